/** Replaces (or reads) the text between `<!-- BEGIN GENERATED: name -->` and its END marker. */
export function between(doc: string, name: string): string | null {
  const begin = `<!-- BEGIN GENERATED: ${name} -->\n`;
  const end = `<!-- END GENERATED: ${name} -->`;
  const i = doc.indexOf(begin);
  const j = doc.indexOf(end);
  return i < 0 || j < i ? null : doc.slice(i + begin.length, j);
}

export function replaceBetween(doc: string, name: string, body: string): string {
  const begin = `<!-- BEGIN GENERATED: ${name} -->\n`;
  const end = `<!-- END GENERATED: ${name} -->`;
  const i = doc.indexOf(begin);
  const j = doc.indexOf(end);
  if (i < 0 || j < i) throw new Error(`markers for ${name} not found`);
  return doc.slice(0, i + begin.length) + body + doc.slice(j);
}
