// The last step of `npm run build`, after tsc has written dist/runtime (ESM), dist/transformer (CJS) and dist/cli (ESM).
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');

// 1. dist/transformer/ is CommonJS (ts-patch, ttypescript and most hosts require() a plugin). Its public
// entries get an ES module face, so `import plugin from 'tsyncio/transformer'` is the plugin function
// (Node's default import of CommonJS would be the whole `module.exports`); the code exists once.
// (scripts/build-runtime.mjs, which loads the plugin first, has marked the folder CommonJS.)
const transformer = join(dist, 'transformer');
for (const entry of ['index', 'rollup']) {
  if (!existsSync(join(transformer, `${entry}.js`))) continue;
  writeFileSync(join(transformer, `${entry}.mjs`), `import cjs from './${entry}.js';\nexport * from './${entry}.js';\nexport default cjs.default;\n`);
}
// ES module declarations mirroring the CommonJS ones (x.d.ts -> x.d.mts, './y.js' -> './y.mjs'): in an
// ES-module-typed .d.mts, `export default` means what the .mjs entry exports, under node16 and bundler
// resolution alike.
for (const name of readdirSync(transformer)) {
  if (!name.endsWith('.d.ts')) continue;
  const text = readFileSync(join(transformer, name), 'utf8').replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]*?)\.js\2/g, '$1$2$3.mjs$2');
  writeFileSync(join(transformer, name.replace(/\.d\.ts$/, '.d.mts')), text);
}

// 2. The runtime's declarations for TypeScript 4.9 (package.json "types@<5.0" / typesVersions): the same
// files without the 5.0-only syntax. `const` type parameters go (rest-parameter tuples are inferred
// either way); the standard-decorator context type, absent before 5.0, becomes `object`.
const legacy = join(dist, 'ts4.9', 'runtime');
rmSync(join(dist, 'ts4.9'), { recursive: true, force: true });
cpSync(join(dist, 'runtime'), legacy, { recursive: true, filter: (path) => !/\.(js|map)$/.test(path) });
for (const name of readdirSync(legacy, { recursive: true })) {
  const file = join(legacy, String(name));
  if (!file.endsWith('.d.ts')) continue;
  const text = readFileSync(file, 'utf8');
  const downlevel = text.replace(/([<,]\s*)const\s+(?=[A-Za-z_$][\w$]*\s+extends|[A-Za-z_$][\w$]*\s*[,>=])/g, '$1').replace(/\bClassMethodDecoratorContext\b(<[^>]*>)?/g, 'object');
  if (downlevel !== text) writeFileSync(file, downlevel);
}
