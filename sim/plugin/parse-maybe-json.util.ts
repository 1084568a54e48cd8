/** A JSON body parsed, or the text itself when it is not JSON; undefined for an empty body. */
export function parseMaybeJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
