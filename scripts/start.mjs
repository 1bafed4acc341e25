/**
 * `npm start`: runs the program from dist/, brought up to date with src/ first.
 *
 * Loading the sources through tsx costs every start ~0.8 s and ~33 MiB (bench/startup.ts). So each source file is
 * turned into JavaScript once, with TypeScript's own transpiler (the `typescript` devDependency that `npm ci`
 * installs), and only again when its content changes: dist/.start-manifest.json keeps a hash per file. Like tsx,
 * this strips types and does not type-check (that is `npm run typecheck` / `npm run build`), so a start behaves as
 * before: a wrong value in src/config.ts is reported by the config check, naming the key.
 *
 * When a file cannot be transpiled (a syntax error: say, a typo in src/config.ts) or dist/ cannot be written, the
 * program is run from the
 * sources through tsx instead, exactly as before, so the error is explained the same way (exit 2). `--config
 * <file.ts>` loads a TypeScript file at run time, so tsx is registered for it too. `--prepare-only` brings dist/ up
 * to date and exits (a deploy step).
 *
 * Then dist/ is bundled into dist/bundle/ (esbuild, a devDependency like typescript): Node 20 has no compile cache for ES
 * modules (module.enableCompileCache() is Node ≥ 22.1), and resolving, reading and compiling ~470 modules one by one
 * (176 of them trading-signals', 95 zod's) cost most of the load; one bundle, tree-shaken, loads in less than half
 * the CPU (bench/startup.ts). The bundle is made again only when dist/ changed (its key is the manifest's hash);
 * without esbuild, or if bundling fails, the program runs from dist/ as before. Packages that load native code or
 * workers, or that the program loads only when needed (Telegram's, pino), stay outside it.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SRC = join(ROOT, "src");
const DIST = join(ROOT, "dist");
const MANIFEST = join(DIST, ".start-manifest.json");
/** Bump when the way files are turned into dist/ changes: every file is then done again. */
const FORMAT = 1;
const BUNDLE = join(DIST, "bundle");
/** Bump when the way dist/ is bundled changes. */
const BUNDLE_FORMAT = 4;
/**
 * Left to Node's own loader: native code (resvg), Telegram's stack, which the program loads only when needed
 * (issue 15), pino (its transports run workers from files of their own), and the build tools.
 */
const UNBUNDLED = [
  "@resvg/resvg-js",
  "grammy",
  "@grammyjs/*",
  "pino",
  "rotating-file-stream",
  "tsx",
  "tsx/*",
  "typescript",
  "esbuild",
];

/** Every .ts file under src/ (declaration files emit nothing), relative to src/, in a stable order. */
function sources(dir = SRC) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(path));
    else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) out.push(relative(SRC, path));
  }
  return out.sort();
}

const hash = (text) => createHash("sha256").update(text).digest("hex");

function readManifest() {
  try {
    return JSON.parse(readFileSync(MANIFEST, "utf8"));
  } catch {
    return undefined;
  }
}

/**
 * What the output depends on besides the sources: the compiler settings, the TypeScript version and this script's
 * format. Read without loading TypeScript, which alone takes most of a second.
 */
function settingsKey() {
  const require = createRequire(import.meta.url);
  const tsVersion = JSON.parse(readFileSync(require.resolve("typescript/package.json"), "utf8")).version;
  const configs = ["tsconfig.json", "tsconfig.build.json"].map((f) => readFileSync(join(ROOT, f), "utf8"));
  return hash(JSON.stringify([FORMAT, tsVersion, ...configs]));
}

/** The build's compiler options, as tsconfig.build.json gives them, for one-file-at-a-time transpiling. */
function compilerOptions(ts) {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, "tsconfig.build.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    },
  );
  // One file at a time the transpiler cannot look up package.json's "type": the sources are ES modules, so say so
  // (the emitted code is what NodeNext emits for them).
  return {
    ...parsed.options,
    module: ts.ModuleKind.ES2022,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    noEmit: false,
    declaration: false,
  };
}

function writeAtomic(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Transpiles one file into dist/ with its source map pointing back at src/; returns the syntax errors, if any. */
function transpile(ts, options, rel, text) {
  const out = join(DIST, rel.replace(/\.ts$/, ".js"));
  const r = ts.transpileModule(text, {
    compilerOptions: options,
    fileName: join(SRC, rel),
    reportDiagnostics: true,
  });
  // A diagnostic without a file is about the options: this script's mistake, not the user's.
  const global = r.diagnostics?.find((d) => !d.file);
  if (global)
    throw new Error(`scripts/start.mjs: ${ts.flattenDiagnosticMessageText(global.messageText, " ")}`);
  if (r.diagnostics?.length) {
    return r.diagnostics.map((d) => {
      const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      const where = at ? `:${at.line + 1}:${at.character + 1}` : "";
      return `src/${rel}${where}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`;
    });
  }
  writeAtomic(out, r.outputText);
  if (r.sourceMapText) {
    const map = JSON.parse(r.sourceMapText);
    map.sources = [relative(dirname(out), join(SRC, rel))];
    writeAtomic(`${out}.map`, JSON.stringify(map));
  }
  return [];
}

/**
 * Brings dist/ up to date; returns the syntax errors that stopped it (then dist/ is not marked up to date). A signal
 * while it works stops the start: nothing was started, exit 0 (as a signal while the program loads, issue 13).
 */
async function build() {
  const files = sources();
  const key = settingsKey();
  const old = readManifest();
  const known = old?.key === key && old.files ? old.files : {};
  const texts = new Map(files.map((rel) => [rel, readFileSync(join(SRC, rel), "utf8")]));
  const hashes = Object.fromEntries(files.map((rel) => [rel, hash(texts.get(rel))]));
  const changed = files.filter((rel) => known[rel] !== hashes[rel]);
  const removed = Object.keys(known).filter((rel) => !(rel in hashes));
  if (changed.length === 0 && removed.length === 0 && old?.key === key) return [];

  let stopped;
  const onSignal = (signal) => (stopped = signal);
  process.on("SIGINT", onSignal).on("SIGTERM", onSignal);
  try {
    if (old?.key !== key) rmSync(DIST, { recursive: true, force: true });
    // Not up to date until every file is done: a start cut short does them again.
    rmSync(MANIFEST, { force: true });
    for (const rel of removed) {
      const out = join(DIST, rel.replace(/\.ts$/, ".js"));
      rmSync(out, { force: true });
      rmSync(`${out}.map`, { force: true });
    }
    process.stderr.write(`npm start: preparing dist/ (${changed.length} of ${files.length} files changed)\n`);
    const ts = createRequire(import.meta.url)("typescript");
    const options = compilerOptions(ts);
    const errors = [];
    for (const rel of changed) {
      errors.push(...transpile(ts, options, rel, texts.get(rel)));
      // Lets a Ctrl-C be seen between files.
      await new Promise((resolve) => setImmediate(resolve));
      if (stopped) {
        process.stderr.write(`${stopped}: stopped while preparing dist/; nothing was started.\n`);
        process.exit(0);
      }
    }
    if (errors.length > 0) return errors;
    writeAtomic(MANIFEST, JSON.stringify({ key, files: hashes }));
    return [];
  } finally {
    process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
  }
}

/**
 * dist/bundle/main.js up to date with dist/ (a new one only when the manifest changed), or undefined when there is
 * none to run: no esbuild, or it failed (then dist/main.js runs, as before; the reason goes to stderr once).
 */
async function bundled() {
  let manifest;
  try {
    manifest = readFileSync(MANIFEST, "utf8");
  } catch {
    return undefined;
  }
  const require = createRequire(import.meta.url);
  let esbuildVersion;
  try {
    esbuildVersion = JSON.parse(readFileSync(require.resolve("esbuild/package.json"), "utf8")).version;
  } catch {
    return undefined;
  }
  const key = hash(JSON.stringify([BUNDLE_FORMAT, esbuildVersion, hash(manifest)]));
  const entry = join(BUNDLE, "main.js");
  try {
    if (readFileSync(join(BUNDLE, ".key"), "utf8") === key) return entry;
  } catch {}
  const tmp = `${BUNDLE}.${process.pid}.tmp`;
  const stopped = await holdingSignals(async () => {
    rmSync(tmp, { recursive: true, force: true });
    await require("esbuild").build({
      entryPoints: [join(DIST, "main.js")],
      outdir: tmp,
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "node",
      target: "node20",
      external: UNBUNDLED,
      // The bundled CommonJS packages (decimal.js) may call require; an ES module has none of its own.
      banner: {
        js: 'import { createRequire as __bundleRequire } from "node:module"; const require = __bundleRequire(import.meta.url);',
      },
      logLevel: "silent",
      minifyWhitespace: true,
      // Chained through dist/'s maps back to src/: `node --enable-source-maps` shows the operator's own lines.
      sourcemap: "linked",
      minifySyntax: true,
    });
    writeFileSync(join(tmp, ".key"), key);
    rmSync(BUNDLE, { recursive: true, force: true });
    renameSync(tmp, BUNDLE);
  }).catch((e) => {
    rmSync(tmp, { recursive: true, force: true });
    process.stderr.write(`npm start: could not bundle dist/ (${e?.message ?? e}); running dist/main.js\n`);
    return "failed";
  });
  if (stopped === "failed") return undefined;
  return entry;
}

/**
 * Runs `work` with SIGINT/SIGTERM held: a signal meanwhile ends the start once it is done, exit 0, nothing started
 * (as a signal while the program loads, issue 13).
 */
async function holdingSignals(work) {
  let stopped;
  const onSignal = (signal) => (stopped = signal);
  process.on("SIGINT", onSignal).on("SIGTERM", onSignal);
  try {
    return await work();
  } finally {
    process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
    if (stopped) {
      process.stderr.write(`${stopped}: stopped while preparing dist/; nothing was started.\n`);
      process.exit(0);
    }
  }
}

/** The build, or why the program must run from the sources: a syntax error, or a dist/ it cannot write. */
async function buildOrReasons() {
  try {
    return await build();
  } catch (e) {
    if (!["EACCES", "EPERM", "EROFS", "ENOSPC"].includes(e?.code)) throw e;
    return [`cannot write ${DIST} (${e.code}): give the user running it write access to the project folder`];
  }
}

const errors = await buildOrReasons();
const bundle = errors.length === 0 ? await bundled() : undefined;
// `npm start -- --prepare-only`: bring dist/ up to date and stop (a deploy step, or before a benchmark).
if (process.argv.includes("--prepare-only")) {
  if (errors.length > 0) process.stderr.write(`${errors.join("\n")}\n`);
  process.exit(errors.length > 0 ? 1 : 0);
}
const wantsTsx = errors.length > 0 || process.argv.some((a) => a === "--config" || a.startsWith("--config="));
if (wantsTsx) {
  const { register } = await import("tsx/esm/api");
  register();
}
if (errors.length > 0) {
  process.stderr.write(
    `npm start: dist/ could not be prepared, so the program runs from the sources (slower start):\n  ${errors.slice(0, 5).join("\n  ")}\n`,
  );
  await import(pathToFileURL(join(SRC, "main.ts")).href);
} else {
  await import(pathToFileURL(bundle ?? join(DIST, "main.js")).href);
}
