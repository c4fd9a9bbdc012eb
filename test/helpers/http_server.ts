/**
 * A local HTTP server for tests of URL inputs (no internet): serves byte buffers by path with
 * Range support (FFmpeg's http protocol and resumed downloads use it), counts requests per path,
 * records Range headers, and can cut a response short or ignore Range to test failures.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Route {
  body: Uint8Array;
  contentType?: string;
  /** Cut the connection after this many bytes, for the first `cutTimes` requests (default 1). */
  cutAfter?: number;
  cutTimes?: number;
  /** Answer Range requests with the whole file (status 200), as servers without Range support do. */
  ignoreRange?: boolean;
}

export interface TestServer {
  base: string;
  /** Requests per path (404s included). */
  hits: Map<string, number>;
  /** The Range header of each request, per path ('' for none). */
  ranges: Map<string, string[]>;
  close(): Promise<void>;
}

export async function startServer(routes: Record<string, Route>): Promise<TestServer> {
  const hits = new Map<string, number>();
  const ranges = new Map<string, string[]>();
  const server: Server = createServer((req: IncomingMessage, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const n = (hits.get(path) ?? 0) + 1;
    hits.set(path, n);
    ranges.set(path, [...(ranges.get(path) ?? []), req.headers.range ?? '']);
    const route = routes[path];
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    const size = route.body.length;
    const m = route.ignoreRange ? null : /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? '');
    const start = m ? Number(m[1]) : 0;
    const end = m && m[2] ? Number(m[2]) : size - 1;
    if (start >= size) {
      res.writeHead(416, { 'content-range': `bytes */${size}` });
      res.end();
      return;
    }
    const headers: Record<string, string | number> = { 'content-type': route.contentType ?? 'application/octet-stream', 'accept-ranges': 'bytes', 'content-length': end - start + 1 };
    if (m) headers['content-range'] = `bytes ${start}-${end}/${size}`;
    const cut = route.cutAfter !== undefined && n <= (route.cutTimes ?? 1);
    if (cut) headers.connection = 'close'; // the client must not reuse the socket that is cut
    res.writeHead(m ? 206 : 200, headers);
    const part = route.body.subarray(start, end + 1);
    if (cut) {
      // FIN (not a reset) a moment after the bytes, so that the client has read them
      res.write(part.subarray(0, route.cutAfter), () => setTimeout(() => res.socket?.end(), 200));
      return;
    }
    res.end(part);
  });
  // Idle keep-alive sockets stay open: on a loaded machine the default 5 s can expire just as the
  // client reuses the socket (ECONNRESET), which is not what these tests are about.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base, hits, ranges,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** A URL on which nothing listens (a port that was just free). */
export async function closedPortUrl(path: string): Promise<string> {
  const s = await startServer({});
  await s.close();
  return `${s.base}${path}`;
}
