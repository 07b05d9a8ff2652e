// A static file server for the demo and the browser tests: www/ at /, and
// the package's js/, pkg/ and dist/ beside it. Binds 127.0.0.1 only.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const MOUNTS = { '/js/': 'js', '/pkg/': 'pkg', '/dist/': 'dist', '/tests/': 'tests', '/': 'www' };
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.wasm': 'application/wasm', '.sdp': 'application/sdp',
  '.png': 'image/png', '.svg': 'image/svg+xml', '.ts': 'text/plain; charset=utf-8',
};

/** Maps a URL path to a file under one of the mounts, or null if it would
 * leave the mount. */
export function filePath(urlPath) {
  const path = decodeURIComponent(urlPath.split('?')[0]);
  for (const [prefix, dir] of Object.entries(MOUNTS)) {
    if (!path.startsWith(prefix)) continue;
    const base = join(ROOT, dir);
    let rest = path.slice(prefix.length);
    if (rest === '' || rest.endsWith('/')) rest += 'index.html';
    const full = normalize(join(base, rest));
    return full.startsWith(base + sep) ? full : null;
  }
  return null;
}

export function startServer(port = 0) {
  const server = createServer(async (req, res) => {
    const path = filePath(req.url ?? '/');
    if (path === null) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(path);
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((ok) => server.listen(port, '127.0.0.1', () => ok(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--port');
  const server = await startServer(i > 0 ? Number(process.argv[i + 1]) : 8080);
  console.log(`wasmrtc demo: http://127.0.0.1:${server.address().port}/`);
}
