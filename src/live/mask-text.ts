/** Masks the password of every `scheme://user:password@` URL inside a text (not only at its start). */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^/?#@\s:]*):[^/?#\s@]*@/gi;

export function maskUrlPasswords(text: string): string {
  return text.replace(URL_PASSWORD, '$1:***@');
}
