// A JSON parser that reports duplicate object keys with their field paths and syntax errors with the texts
// of Go's encoding/json, because strict decoding must say `duplicate field "metadata.name"` (JSON.parse keeps
// the last value silently) and bad bodies must read like upstream's `json parse error: …`.
// Upstream: sigs.k8s.io/json (UnmarshalStrict, duplicate field detection), encoding/json scanner.go (messages).

export class JsonSyntaxError extends Error {}

export interface StrictJson { value: unknown; duplicates: string[] }

const quoteChar = (c: string | undefined): string => {
  if (c === undefined) return '';
  if (c === "'") return "'\\''";
  if (c === '"') return "'\"'";
  return `'${c}'`;
};

export function parseJsonStrict(text: string): StrictJson {
  let i = 0;
  const duplicates: string[] = [];
  const ws = () => { while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++; };
  const fail = (context: string): never => {
    if (i >= text.length) throw new JsonSyntaxError('unexpected end of JSON input');
    throw new JsonSyntaxError(`invalid character ${quoteChar(text[i])} ${context}`);
  };
  const child = (path: string, key: string) => (path ? `${path}.${key}` : key);

  const parseString = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text.charCodeAt(i) < 0x20) throw new JsonSyntaxError('invalid character ' + quoteChar(text[i]) + ' in string literal');
      i++;
    }
    if (i >= text.length) throw new JsonSyntaxError('unexpected end of JSON input');
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };

  const parseValue = (path: string): unknown => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      const seen = new Set<string>();
      ws();
      if (text[i] === '}') { i++; return obj; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('looking for beginning of object key string');
        const key = parseString();
        ws();
        if (text[i] !== ':') fail('after object key');
        i++;
        const v = parseValue(child(path, key));
        if (seen.has(key)) duplicates.push(child(path, key));
        seen.add(key);
        // __proto__ must be an own data property, not the prototype.
        Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return obj; }
        fail('after object key:value pair');
      }
    }
    if (c === '[') {
      i++;
      const arr: unknown[] = [];
      ws();
      if (text[i] === ']') { i++; return arr; }
      for (;;) {
        arr.push(parseValue(`${path}[${arr.length}]`));
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return arr; }
        fail('after array element');
      }
    }
    if (c === '"') return parseString();
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (m && m[0] !== '' && m[0] !== '-') { i += m[0].length; return Number(m[0]); }
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, i)) { i += word.length; return v; }
    }
    if (c !== undefined && 'tfn'.includes(c)) {
      // Go reports the first wrong byte inside the literal.
      const word = c === 't' ? 'true' : c === 'f' ? 'false' : 'null';
      let k = 0;
      while (i + k < text.length && text[i + k] === word[k]) k++;
      i += k;
      fail(`in literal ${word} (expecting ${quoteChar(word[k])})`);
    }
    return fail('looking for beginning of value');
  };

  const value = parseValue('');
  ws();
  if (i < text.length) fail('after top-level value');
  return { value, duplicates };
}
