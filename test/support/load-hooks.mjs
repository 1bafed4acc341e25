// A module resolve hook for test/lean-start.test.ts: prints every package of the lazily loaded stacks (Telegram's,
// and axios) a module graph imports. A package loaded with require() passes no ESM hook: the test reads those from
// the require cache (see loadedBy).
export const WATCHED = /^(grammy|@grammyjs\/|@resvg\/|axios$)/;

export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(r.url);
  if (m && WATCHED.test(m[1])) process.stderr.write(`LOADED ${m[1]}\n`);
  return r;
}
