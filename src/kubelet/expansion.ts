/**
 * `$(VAR)` expansion in env values, command and args, with the rules of upstream's
 * third_party/forked/golang/expansion:
 *   - `$(NAME)` becomes NAME's value when NAME is defined, and stays `$(NAME)` when it is not;
 *   - `$$` is an escaped `$` (so `$$(NAME)` yields the literal `$(NAME)`);
 *   - a `$` before anything else, or an unterminated `$(`, is kept as it is.
 */

/** Looks a name up in each context in turn; undefined names map back to `$(NAME)`. */
export function mappingFuncFor(
  ...contexts: readonly ReadonlyMap<string, string>[]
): (name: string) => string {
  return (name) => {
    for (const ctx of contexts) {
      const v = ctx.get(name);
      if (v !== undefined) return v;
    }
    return `$(${name})`;
  };
}

export function expand(input: string, mapping: (name: string) => string): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const rest = input.slice(cursor + 1);
    const next = rest[0];
    if (next === '$') {
      out += '$';
    } else if (next === '(') {
      const close = rest.indexOf(')', 1);
      if (close >= 0) {
        out += mapping(rest.slice(1, close));
        cursor += close;
      } else {
        out += '$(';
      }
    } else {
      out += '$' + (next ?? '');
    }
    // Every branch consumed the `$` and the character after it (plus the name when read).
    cursor += 1;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}
