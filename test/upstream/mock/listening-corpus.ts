// The prompt corpus of issue 16 ("A mock that listens"): constraints, tool selection by description,
// values from the prompt into tool inputs and structured outputs, and answers after tool results.
// Each case is written once, face-neutral; listening-faces.test.ts sends it through every face.
import { loadCorpus } from "./schema-corpus.ts";

type Schema = Record<string, unknown>;

export interface Tool {
  name: string;
  description: string;
  input_schema: Schema;
}

export interface ListeningCase {
  name: string;
  prompt: string;
  system?: string;
  model?: string;
  tools?: Tool[];
  toolChoice?: "auto" | "any" | "none" | { name: string };
  /** A structured output schema (response_format json_schema), or "json_object". */
  schema?: Schema | "json_object";
  /** An earlier call of `tools[0]` and its result: the answer comes after it. */
  toolResult?: { input: Record<string, unknown>; result: string };
  expect: {
    /** The whole text answer (trimmed), or a pattern it matches. */
    text?: string | RegExp;
    /** The text is one of these. */
    oneOf?: string[];
    /** Checks on the text beyond a pattern. */
    check?: (text: string) => void;
    /** Tool calls, in order, each with input fields that must be as given (`exact`: and no others). */
    calls?: { name: string; input?: Record<string, unknown>; exact?: true }[];
    /** Fields the JSON answer must hold (deep partial). */
    json?: Record<string, unknown>;
  };
}

const tool = (file: string): Tool => {
  const entry = loadCorpus().find((e) => e.file === `tools/${file}.json`);
  if (entry === undefined) throw new Error(`no tool fixture ${file}`);
  return { name: entry.name, description: entry.description ?? "", input_schema: entry.schema };
};

const weather = tool("anthropic_get_weather");
const stock = tool("anthropic_get_stock_price");
const email = tool("anthropic_send_email");
const flight = tool("anthropic_book_flight");
const currency = tool("openai_convert_currency");
const translate = tool("anthropic_translate_text");
const thermostat = tool("anthropic_set_thermostat");
const search = tool("anthropic_search_web");
const calculator = tool("anthropic_calculator");
const toolbox = [weather, stock, email, flight, currency, translate, thermostat, search, calculator];

/** A coding agent's file reader and shell, shaped like Claude Code's (the shell's description says everything). */
const read: Tool = {
  name: "Read",
  description: "Reads a file from the local filesystem. The file_path parameter must be an absolute path.",
  input_schema: {
    type: "object",
    properties: {
      file_path: { type: "string", description: "The absolute path to the file to read" },
      limit: { type: "integer", minimum: 1, description: "The number of lines to read" },
      pages: { type: "string", description: "Page range for PDF files, e.g. 1-5" },
    },
    required: ["file_path"],
  },
};
const bash: Tool = {
  name: "Bash",
  description:
    "Executes a bash command. Never print a secret; tell the user what the command does in a few words; use it to list, search or run, not to read a file.",
  input_schema: {
    type: "object",
    properties: { command: { type: "string" }, timeout: { type: "number" } },
    required: ["command"],
  },
};

const object = (properties: Schema, required = Object.keys(properties)): Schema => ({
  type: "object",
  properties,
  required,
  additionalProperties: false,
});
const str = { type: "string" };
const int = { type: "integer" };

const sentences = (n: number) => (text: string) => {
  if ((text.match(/[.!?](\s|$)/g) ?? []).length !== n) throw new Error(`not ${n} sentence(s): ${text}`);
};
const lines = (n: number, bullet: RegExp) => (text: string) => {
  const all = text.split("\n");
  if (all.length !== n || !all.every((l) => bullet.test(l))) throw new Error(`not ${n} bullets: ${text}`);
};
const words = (max: number) => (text: string) => {
  if (text.split(/\s+/).length > max) throw new Error(`more than ${max} words: ${text}`);
};
const inRange = (min: number, max: number) => (text: string) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`not an integer in ${min}..${max}: ${text}`);
};

const VERIFIER =
  "You are a strict verifier. Compare the actual output with the expected output.\n" +
  "Expected: 4\nActual: 4\nRespond with only PASSED or FAILED.";

export const CASES: ListeningCase[] = [
  // Output constraints
  { name: "PASSED/FAILED verifier", prompt: VERIFIER, expect: { text: "PASSED" } },
  {
    name: "quoted PASSED/FAILED with a system prompt",
    system: "You grade unit test logs.",
    prompt: "Log: 12 tests ran. Respond with only 'PASSED' or 'FAILED'.",
    expect: { text: "PASSED" },
  },
  {
    name: "connection test: the word success",
    prompt: "Respond with just the word 'success'",
    expect: { text: "success" },
  },
  {
    name: "reply with exactly",
    prompt: 'This is a connection test. Reply with exactly "success".',
    expect: { text: "success" },
  },
  {
    name: "unquoted single word",
    prompt: "Please respond with only the word READY.",
    expect: { text: "READY" },
  },
  { name: "say a phrase", prompt: "Say 'hello world'", expect: { text: "hello world" } },
  { name: "yes or no", prompt: "Answer yes or no: is the sky blue?", expect: { text: "yes" } },
  {
    name: "Yes or No as written",
    prompt: "Is Python a programming language? Answer with Yes or No.",
    expect: { text: "Yes" },
  },
  { name: "(yes/no)", prompt: "Can you read this message? (yes/no)", expect: { text: "yes" } },
  {
    name: "true or false",
    prompt: "Water boils at 100 C at sea level. Respond with true or false.",
    expect: { text: "true" },
  },
  {
    name: "sentiment: positive",
    prompt:
      "Classify the sentiment as one of positive, negative, neutral: I love this phone, it is excellent.",
    expect: { text: "positive" },
  },
  {
    name: "sentiment: negative",
    prompt:
      "Classify the sentiment of this review as one of: positive, negative, neutral. Review: terrible battery, I hate it.",
    expect: { text: "negative" },
  },
  {
    name: "closed categories",
    prompt: "My card was charged twice. Reply with only billing, technical or account.",
    expect: { oneOf: ["billing", "technical", "account"] },
  },
  {
    name: "spam or ham",
    prompt: "WIN A PRIZE NOW!!! Answer with one of: spam, ham.",
    expect: { oneOf: ["spam", "ham"] },
  },
  {
    name: "arithmetic as a number",
    prompt: "What is 12 + 30? Respond with only the number.",
    expect: { text: "42" },
  },
  {
    name: "product as a number",
    prompt: "What is 17 * 3? Answer with just the number.",
    expect: { text: "51" },
  },
  {
    name: "rating in range",
    prompt: "Rate this answer from 1 to 10. Reply with just a number.",
    expect: { check: inRange(1, 10) },
  },
  { name: "one sentence", prompt: "Explain recursion in one sentence.", expect: { check: sentences(1) } },
  {
    name: "two sentences",
    prompt: "Describe the benefits of testing in two sentences.",
    expect: { check: sentences(2) },
  },
  {
    name: "three bullet points",
    prompt: "Give me three bullet points about code review.",
    expect: { check: lines(3, /^- \S/) },
  },
  { name: "list five", prompt: "List 5 tips for better sleep.", expect: { check: lines(5, /^- \S/) } },
  {
    name: "numbered steps",
    prompt: "Describe the four steps to bake bread.",
    expect: { check: lines(4, /^\d\. \S/) },
  },
  {
    name: "under 20 words",
    prompt: "Summarise the history of Rome in under 20 words.",
    expect: { check: words(19) },
  },
  { name: "one word", prompt: "Describe Paris in one word.", expect: { text: /^[A-Z][a-z]+\.$/ } },
  {
    name: "Llama obeys without its leading space",
    model: "us.meta.llama3-3-70b-instruct-v1:0",
    prompt: VERIFIER,
    expect: { text: "PASSED" },
  },
  { name: "Nova obeys", model: "us.amazon.nova-pro-v1:0", prompt: VERIFIER, expect: { text: "PASSED" } },
  {
    name: "Mistral obeys",
    model: "mistral.mistral-large-2402-v1:0",
    prompt: "Answer yes or no: ready?",
    expect: { text: "yes" },
  },
  {
    name: "DeepSeek R1 thinks, then obeys",
    model: "us.deepseek.r1-v1:0",
    prompt: VERIFIER,
    expect: { text: /(^|\n)PASSED$/ },
  },
  {
    name: "no constraint: prose",
    prompt: "How should I plan a database migration?",
    expect: { text: /^[A-Z][^]*[.!?]$/, check: (t) => sentences(1)(t.split(/(?<=[.!?])\s/)[0] ?? "") },
  },

  // Tool selection by description, values from the prompt
  {
    name: "weather in Paris",
    prompt: "What's the weather in Paris?",
    tools: toolbox,
    expect: { calls: [{ name: "get_weather", input: { location: "Paris" } }] },
  },
  {
    // The tool the question names wins over one whose long description shares more words; the path is made
    // absolute against the stated working directory; no optional input the question does not state.
    name: "a named tool, a file path, nothing unstated",
    system:
      "Primary working directory: /home/me/project\nRead at most 5 lines at a time. See pages 1-3 of the guide.",
    prompt: "Read the file notes.txt and tell me the secret word.",
    tools: [bash, read],
    expect: { calls: [{ name: "Read", input: { file_path: "/home/me/project/notes.txt" }, exact: true }] },
  },
  {
    // A known city needs no "in" before it: terse prompts name it first.
    name: "weather, the city first",
    prompt: "Tokyo weather tomorrow?",
    tools: toolbox,
    expect: { calls: [{ name: "get_weather", input: { location: "Tokyo" } }] },
  },
  {
    name: "weather in a city and state",
    prompt: "What's the weather like in San Francisco, CA today?",
    tools: [weather, stock],
    expect: { calls: [{ name: "get_weather", input: { location: "San Francisco, CA" } }] },
  },
  {
    name: "weather unit from the enum",
    prompt: "How warm is it in Berlin right now, in celsius?",
    tools: [weather],
    expect: { calls: [{ name: "get_weather", input: { location: "Berlin", unit: "celsius" } }] },
  },
  { name: "greeting: no call", prompt: "Hello!", tools: toolbox, expect: { text: /\S/ } },
  {
    name: "small talk: no call",
    prompt: "Good morning, how are you?",
    tools: toolbox,
    expect: { text: /\S/ },
  },
  { name: "thanks: no call", prompt: "Thanks!", tools: [weather, stock], expect: { text: /\S/ } },
  {
    name: "unrelated request: no call",
    prompt: "Write a haiku about autumn leaves",
    tools: [weather, stock],
    expect: { text: /\S/ },
  },
  {
    name: "stock price by ticker",
    prompt: "What's the stock price of AAPL?",
    tools: toolbox,
    expect: { calls: [{ name: "get_stock_price", input: { ticker: "AAPL" } }] },
  },
  {
    name: "send an email",
    prompt: 'Send an email to jane@example.com with subject "Launch" saying we ship on Monday.',
    tools: toolbox,
    expect: { calls: [{ name: "send_email", input: { to: ["jane@example.com"], subject: "Launch" } }] },
  },
  {
    name: "book a flight: airports, date, passengers",
    prompt: "Book a flight from London to Tokyo on March 5, 2026 for 2 passengers.",
    tools: toolbox,
    expect: {
      calls: [
        {
          name: "book_flight",
          input: { origin: "LHR", destination: "HND", date: "2026-03-05", passengers: 2 },
        },
      ],
    },
  },
  {
    name: "convert currency",
    prompt: "Convert 100 dollars to EUR.",
    tools: [currency, weather],
    expect: { calls: [{ name: "convert_currency", input: { amount: 100, from: "USD", to: "EUR" } }] },
  },
  {
    name: "translate to a language code",
    prompt: "Translate 'good morning' into French.",
    tools: toolbox,
    expect: { calls: [{ name: "translate_text", input: { text: "good morning", target: "fr" } }] },
  },
  {
    name: "thermostat room and temperature",
    prompt: "Set the thermostat in the living room to 21 degrees.",
    tools: toolbox,
    expect: { calls: [{ name: "set_thermostat", input: { room: "living_room", temperature: 21 } }] },
  },
  {
    name: "web search query",
    prompt: "Search the web for best pizza in Naples",
    tools: [search, weather],
    expect: { calls: [{ name: "search_web", input: { query: "best pizza in Naples" } }] },
  },
  {
    name: "calculator operands and operation",
    prompt: "Use the calculator: what is 15 multiplied by 4?",
    tools: [calculator, weather],
    expect: { calls: [{ name: "calculator", input: { operation: "multiply", a: 15, b: 4 } }] },
  },
  {
    name: "two tools in one turn",
    prompt: "What's the weather in Paris and the stock price of MSFT?",
    tools: [stock, weather],
    expect: {
      calls: [
        { name: "get_stock_price", input: { ticker: "MSFT" } },
        { name: "get_weather", input: { location: "Paris" } },
      ],
    },
  },
  {
    name: "tool_choice any on a greeting still calls",
    prompt: "Hi!",
    tools: [weather],
    toolChoice: "any",
    expect: { calls: [{ name: "get_weather" }] },
  },
  {
    name: "tool_choice none answers text",
    prompt: "Weather in Rome?",
    tools: [weather],
    toolChoice: "none",
    expect: { text: /\S/ },
  },
  {
    name: "named tool_choice with the prompt's value",
    prompt: "I need the weather for Lisbon please.",
    tools: [stock, weather],
    toolChoice: { name: "get_weather" },
    expect: { calls: [{ name: "get_weather", input: { location: "Lisbon" } }] },
  },

  // Answers after a tool result
  {
    name: "uses a text result",
    prompt: "What's the weather in Paris?",
    tools: [weather],
    toolResult: { input: { location: "Paris" }, result: "18°C and sunny" },
    expect: { text: /18°C and sunny/ },
  },
  {
    name: "uses a JSON result",
    prompt: "What's the weather in Oslo?",
    tools: [weather],
    toolResult: { input: { location: "Oslo" }, result: '{"temperature": -3, "condition": "snow"}' },
    expect: { text: /temperature -3.*condition snow/ },
  },
  {
    name: "result decides the verdict",
    prompt: "Run the test suite. Respond with only PASSED or FAILED.",
    tools: [search],
    toolResult: { input: { query: "tests" }, result: "3 of 40 tests FAILED" },
    expect: { text: "FAILED" },
  },
  {
    name: "price from the result",
    prompt: "How much is AAPL trading at?",
    tools: [stock],
    toolResult: { input: { ticker: "AAPL" }, result: "AAPL: 189.50 USD" },
    expect: { text: /189\.50 USD/ },
  },
  {
    name: "answer in a number from the result",
    prompt: "What is the temperature in Rome? Answer with just the number.",
    tools: [weather],
    toolResult: { input: { location: "Rome" }, result: "27" },
    expect: { text: "27" },
  },

  // Structured outputs: values from the prompt, nested objects, arrays, enums, formats
  {
    name: "person info",
    prompt: "Extract person info: John is 30 years old and lives in New York",
    schema: object({ name: str, age: int, city: str }),
    expect: { json: { name: "John", age: 30, city: "New York" } },
  },
  {
    name: "person info, the guide's Pydantic example (age stated without a unit)",
    prompt: "Extract person info: John is 30 and lives in London",
    schema: object({ name: str, age: { type: "integer", minimum: 0, maximum: 150 }, city: str }),
    expect: { json: { name: "John", age: 30, city: "London" } },
  },
  {
    name: "nested address through $defs",
    prompt: "Maria Garcia, 42, lives in Madrid.",
    schema: {
      $defs: { Address: object({ city: str, street: { anyOf: [str, { type: "null" }] } }, ["city"]) },
      ...object({ name: str, age: int, address: { $ref: "#/$defs/Address" } }),
    },
    expect: { json: { name: "Maria Garcia", age: 42, address: { city: "Madrid" } } },
  },
  {
    name: "enum from sentiment",
    prompt: "Review: I love it, best purchase ever.",
    schema: object({
      sentiment: { enum: ["positive", "negative", "neutral"] },
      confidence: { type: "number", minimum: 0, maximum: 1 },
    }),
    expect: { json: { sentiment: "positive" } },
  },
  {
    name: "event: title, date, place, attendees",
    prompt:
      'Schedule a meeting titled "Roadmap review" on June 12, 2026 at 3pm in Berlin with ann@example.com and bob@example.com',
    schema: object({
      title: str,
      date: { type: "string", format: "date" },
      location: str,
      attendees: { type: "array", items: { type: "string", format: "email" } },
    }),
    expect: {
      json: {
        title: "Roadmap review",
        date: "2026-06-12",
        location: "Berlin",
        attendees: ["ann@example.com", "bob@example.com"],
      },
    },
  },
  {
    name: "contact: e-mail format",
    prompt: "You can reach Sam Lee at sam@example.org.",
    schema: object({ name: str, email: { type: "string", format: "email" } }),
    expect: { json: { name: "Sam Lee", email: "sam@example.org" } },
  },
  {
    name: "order: quantity and price",
    prompt: "Order 3 laptops at $999.99 each.",
    schema: object({ product: str, quantity: { type: "integer", minimum: 1 }, price: { type: "number" } }),
    expect: { json: { quantity: 3, price: 999.99 } },
  },
  {
    name: "date-time",
    prompt: "Remind me on 2026-01-15 at 09:30 to call the bank.",
    schema: object({ when: { type: "string", format: "date-time" }, task: str }),
    expect: { json: { when: "2026-01-15T09:30:00Z" } },
  },
  {
    name: "language code enum",
    prompt: "Translate this into German.",
    schema: object({ target: { enum: ["en", "fr", "de"] } }),
    expect: { json: { target: "de" } },
  },
  {
    name: "ticket: two enums",
    prompt: "Billing problem, high priority: my invoice is wrong.",
    schema: object({
      category: { enum: ["billing", "technical", "account"] },
      priority: { enum: ["low", "medium", "high"] },
      summary: str,
    }),
    expect: { json: { category: "billing", priority: "high" } },
  },
  {
    name: "list of hobbies",
    prompt: "Tom enjoys hiking, chess and painting.",
    schema: object({ name: str, hobbies: { type: "array", items: str } }),
    expect: { json: { name: "Tom", hobbies: ["hiking", "chess", "painting"] } },
  },
  {
    name: "weather report: number with unit and enum",
    prompt: "It's 22 degrees and sunny in Lisbon.",
    schema: object({
      location: str,
      temperature_c: { type: "number" },
      conditions: { enum: ["sunny", "cloudy", "rainy"] },
    }),
    expect: { json: { location: "Lisbon", temperature_c: 22, conditions: "sunny" } },
  },
  {
    name: "JSON mode with named keys",
    prompt: "Return JSON with keys name and age for: Alice is 25 years old.",
    schema: "json_object",
    expect: { json: { name: "Alice", age: 25 } },
  },
  {
    name: "prompt-only JSON for Llama",
    model: "us.meta.llama3-3-70b-instruct-v1:0",
    prompt: "Reply in JSON with keys name and email: contact Bob Stone at bob@stone.dev",
    expect: { json: { name: "Bob Stone", email: "bob@stone.dev" } },
  },
];
