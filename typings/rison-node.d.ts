/* rison-node ships no types; the part the browser app uses. */
declare module 'rison-node' {
  export function encode(value: unknown): string;
  export function decode(text: string): unknown;
}
