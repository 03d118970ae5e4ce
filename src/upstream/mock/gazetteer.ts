// Small fixed tables mentions.ts and property-values.ts read names against: language names with their
// ISO 639-1 codes, and the main airport of big cities (for schemas that want an IATA code).

/** Language names (lower-case) → ISO 639-1. */
export const LANGUAGES: Readonly<Record<string, string>> = {
  english: "en",
  french: "fr",
  spanish: "es",
  german: "de",
  italian: "it",
  portuguese: "pt",
  dutch: "nl",
  japanese: "ja",
  chinese: "zh",
  korean: "ko",
  russian: "ru",
  arabic: "ar",
  hindi: "hi",
  polish: "pl",
  swedish: "sv",
  turkish: "tr",
};

/** Airports of the biggest cities, for schemas that want an IATA code ("from London" → LHR). */
export const AIRPORTS: Readonly<Record<string, string>> = {
  london: "LHR",
  paris: "CDG",
  tokyo: "HND",
  "new york": "JFK",
  "san francisco": "SFO",
  "los angeles": "LAX",
  chicago: "ORD",
  boston: "BOS",
  seattle: "SEA",
  berlin: "BER",
  frankfurt: "FRA",
  munich: "MUC",
  madrid: "MAD",
  barcelona: "BCN",
  rome: "FCO",
  milan: "MXP",
  lisbon: "LIS",
  amsterdam: "AMS",
  dublin: "DUB",
  dubai: "DXB",
  singapore: "SIN",
  sydney: "SYD",
  toronto: "YYZ",
};
