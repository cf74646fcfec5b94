/** Variables a flow reads, by name; every value is text. */
export type Variables = Readonly<Record<string, string>>;

const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w.]*)\s*\}\}/g;

/** `Hello {{name}}` with the variables' values; a variable never set reads as empty text (lint reports it). */
export function fillTemplate(text: string, vars: Variables): string {
  return text.replace(PLACEHOLDER, (_, name: string) => vars[name] ?? '');
}

/** The variable names a template reads, in order of appearance. */
export function templateVariables(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1] as string);
}
