// What the simulator reads of a long text: its two ends. What a prompt asks sits at its start or its
// end, and a pasted document's middle changes nothing the simulator decides — while every pass over a
// 1.5 MB prompt costs milliseconds that hold up every other request.

/** `text` whole when it is at most 2 × `each` characters, else its first and last `each` characters. */
export function endsOf(text: string, each: number): string {
  return text.length <= 2 * each ? text : `${text.slice(0, each)}\n${text.slice(-each)}`;
}
