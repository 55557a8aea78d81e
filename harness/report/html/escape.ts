// Escaping for the HTML pages: every text of a rule, a scenario or a message goes through h().
export const h = (s: string | number): string => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** An id usable in a URL fragment. */
export const anchor = (s: string): string => s.replace(/[^A-Za-z0-9._-]/g, '_');
