// Stages one service's app layer: node tools/images/stage-app.mjs <service> <out dir>.
// The image mirrors the checkout under /app, so a service runs from the same relative paths as
// under `tools/onair up`: /app/services/<svc>/dist/src/main.js, the proto files it finds upwards
// (/app/proto), the libs it imports (/app/libs/<lib>, linked from /app/node_modules/@onair as
// npm workspaces link them) and only the production packages it reaches, found with Node's own
// lookup (the package's node_modules, then each parent's) from the monorepo's hoisted tree.
// No dev dependencies, no sources, no source maps or type declarations.
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const [service, out] = process.argv.slice(2);
if (!service || !out) {
  console.error('usage: stage-app.mjs <service> <out dir>');
  process.exit(2);
}
const root = realpathSync(join(dirname(new URL(import.meta.url).pathname), '../..'));
const svcDir = join(root, 'services', service);
if (!existsSync(join(svcDir, 'dist/src/main.js'))) {
  console.error(`services/${service} is not built (no dist/src/main.js): run tools/onair build`);
  process.exit(1);
}

const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));
// What a built package needs at run time; the rest of a workspace package is sources and tests.
const skip = (src) => /\.(d\.ts|d\.ts\.map|js\.map|tsbuildinfo)$/.test(src) || src.endsWith('/out-tsc');

// Node's lookup of `name` from a package folder: <dir>/node_modules/<name>, then each parent's.
function resolvePackage(from, name) {
  for (let dir = from; dir.startsWith(root); dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root) break;
  }
  return undefined;
}

const copied = new Set();
function copy(src) {
  const rel = relative(root, src);
  // Already in the image, or inside a package folder that is (its nested node_modules).
  if ([...copied].some((c) => rel === c || rel.startsWith(`${c}/`))) return;
  copied.add(rel);
  cpSync(src, join(out, rel), { recursive: true, dereference: false, filter: (s) => !skip(s) });
}

// Workspace packages (libs, the service): package.json, dist, and the folders the service reads.
function stageWorkspace(dir) {
  copy(join(dir, 'package.json'));
  if (existsSync(join(dir, 'dist'))) copy(join(dir, 'dist'));
}

const visited = new Set();
function visit(pkgDir, optional = new Set()) {
  const real = realpathSync(pkgDir);
  if (visited.has(real)) return;
  visited.add(real);
  const pkg = readJson(join(real, 'package.json'));
  const inWorkspace = !relative(root, real).startsWith('node_modules');
  if (inWorkspace) stageWorkspace(real);
  else {
    // A package inside another's node_modules is staged with that one's copy.
    copy(real);
  }
  const deps = { ...pkg.dependencies, ...pkg.optionalDependencies, ...pkg.peerDependencies };
  const peerOptional = new Set(Object.entries(pkg.peerDependenciesMeta ?? {}).filter(([, m]) => m.optional).map(([n]) => n));
  for (const name of Object.keys(deps)) {
    const found = resolvePackage(real, name) ?? (inWorkspace ? resolvePackage(root, name) : undefined);
    if (!found) {
      if (pkg.optionalDependencies?.[name] || pkg.peerDependencies?.[name] || optional.has(name)) continue;
      console.error(`${pkg.name}: dependency ${name} not found in node_modules`);
      process.exit(1);
    }
    // The workspace link itself (node_modules/@onair/<lib> -> ../../libs/<lib>) goes in as a link.
    if (found !== realpathSync(found)) link(found);
    visit(found, peerOptional);
  }
}

function link(at) {
  const rel = relative(root, at);
  if (copied.has(rel)) return;
  copied.add(rel);
  mkdirSync(dirname(join(out, rel)), { recursive: true });
  symlinkSync(relative(dirname(at), realpathSync(at)), join(out, rel));
}

mkdirSync(out, { recursive: true });
copy(join(root, 'proto'));
visit(svcDir);
