/* The npm `lucene` package ships no types; we only use its parser (structure is re-checked in lucene.ts). */
declare module 'lucene' {
  export function parse(query: string): any;
  export function toString(ast: any): string;
}
