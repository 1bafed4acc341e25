// A module resolve hook for test/lean-start.test.ts: prints every package of Telegram's stack a module graph loads.
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(r.url);
  if (m && /^(grammy|@grammyjs\/|@resvg\/)/.test(m[1])) process.stderr.write(`LOADED ${m[1]}\n`);
  return r;
}
