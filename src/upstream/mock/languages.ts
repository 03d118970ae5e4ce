// Which language a short message is written in, when it is not English: by script (Cyrillic, kana,
// Hangul, Han, Arabic, Devanagari), else by the share of very common words of each Latin-script language.
// The simulator uses it to tie a message to a tool about that language — the OpenAI Agents SDK's own
// quickstart hands "Hola, ¿cómo estás?" from a triage agent to its Spanish agent (`transfer_to_spanish_agent`).
// English is never reported: every English prompt would otherwise be "about" any tool that names English.

const SCRIPTS: readonly [RegExp, string][] = [
  [/[\p{Script=Hiragana}\p{Script=Katakana}]/u, "japanese"],
  [/\p{Script=Hangul}/u, "korean"],
  [/\p{Script=Han}/u, "chinese"],
  [/\p{Script=Cyrillic}/u, "russian"],
  [/\p{Script=Arabic}/u, "arabic"],
  [/\p{Script=Devanagari}/u, "hindi"],
];

/** Words common in each language and rare in English prompts (accents as written). */
const COMMON: Readonly<Record<string, ReadonlySet<string>>> = Object.fromEntries(
  Object.entries({
    french:
      "bonjour salut merci comment ça va je tu vous est le la les des une et pas pour avec dans qui quoi quel quelle oui non suis très bien s'il plaît",
    spanish:
      "hola gracias cómo como estás está qué que el los las una por favor sí buenos días tengo quiero dónde muy bien es y para con",
    german:
      "hallo danke bitte wie geht es ich du sie ist der die das und nicht ein eine guten tag mit für was wo",
    italian: "ciao grazie come stai sono il lo gli che di per non buongiorno bene una è dove perché",
    portuguese: "olá obrigado obrigada você está tudo bem não sim por favor um uma é com para bom dia",
    dutch: "hallo dank alstublieft hoe gaat het ik je niet een de en van goedemorgen wat waar",
  }).map(([language, words]) => [language, new Set(words.split(" "))]),
);

/** The language of `text` when it is plainly not English (at least two common words, most of them). */
export function languageOf(text: string): string | undefined {
  const sample = text.slice(0, 2000);
  for (const [script, language] of SCRIPTS) if (script.test(sample)) return language;
  const words = sample.toLowerCase().match(/[\p{L}']+/gu) ?? [];
  if (words.length === 0) return undefined;
  let best: string | undefined;
  let bestHits = 1; // a lone "come" or "die" is English
  for (const [language, common] of Object.entries(COMMON)) {
    const hits = words.filter((w) => common.has(w)).length;
    if (hits > bestHits) [best, bestHits] = [language, hits];
  }
  return best !== undefined && bestHits / words.length >= 0.4 ? best : undefined;
}
