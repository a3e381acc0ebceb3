/**
 * The dashboard server's guards and push: the page and its event stream, stop and resume only
 * with the page's CSRF value and an explicit confirmation, the Host header checked on loopback,
 * and a token required (then a cookie) when one is configured.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startDashboard, type DashboardServer } from '../../src/dashboard/dashboard-server.js';
import type { DashboardSnapshot } from '../../src/dashboard/snapshot-types.js';

const TOKEN = 'a-long-enough-dashboard-token';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Raw HTTP, so the test sets any Host header it wants. */
function call(
  port: number,
  path: string,
  o: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: o.method ?? 'GET', headers: o.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(o.body);
  });
}

async function start(t: TestContext, token: string | null = null) {
  const calls: string[] = [];
  let published = 0;
  const server: DashboardServer = await startDashboard({
    host: '127.0.0.1',
    port: 0,
    token,
    clientScript: 'console.log("client");',
    log: { info: () => undefined, warn: () => undefined },
    snapshot: () => ({ atMs: ++published, mode: 'trade' }) as unknown as DashboardSnapshot,
    control: {
      stop: (source) => (calls.push(`stop:${source}`), { ok: true, message: 'stopped' }),
      resume: (source) => (
        calls.push(`resume:${source}`),
        { ok: false, message: 'not resumed: risk limit holds' }
      ),
    },
  });
  t.after(() => server.close());
  return { server, calls };
}

const csrfOf = (html: string): string => /<meta name="csrf-token" content="([^"]+)">/.exec(html)?.[1] ?? '';

test('the page, its script and style, served with a strict content security policy', async (t) => {
  const { server } = await start(t);
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const page = await call(server.port, '/');
  assert.equal(page.status, 200);
  assert.match(page.body, /<button id="stop-trading"/);
  assert.ok(csrfOf(page.body).length >= 32);
  assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
  assert.equal(page.headers['x-frame-options'], 'DENY');
  assert.equal((await call(server.port, '/app.js')).body, 'console.log("client");');
  assert.match((await call(server.port, '/app.css')).headers['content-type'] as string, /text\/css/);
  assert.equal((await call(server.port, '/nope')).status, 404);
});

test('the event stream opens with a snapshot and carries every publish', async (t) => {
  const { server } = await start(t);
  const events: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path: '/events' }, (res) => {
      assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        events.push(...d.split('\n\n').filter((e) => e.startsWith('event: state')));
        if (events.length === 1) server.publish();
        if (events.length >= 2) {
          req.destroy();
          resolve();
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
  assert.match(events[0] ?? '', /^event: state\ndata: \{"atMs":\d+,"mode":"trade"\}$/);
  assert.equal(server.clients() <= 1, true);
});

test('stop and resume need the page’s CSRF value and an explicit confirmation', async (t) => {
  const { server, calls } = await start(t);
  const csrf = csrfOf((await call(server.port, '/')).body);
  const post = (path: string, headers: Record<string, string>, body: string): Promise<Reply> =>
    call(server.port, path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  assert.equal((await post('/api/stop', {}, '{"confirm":"stop"}')).status, 403);
  assert.equal((await post('/api/stop', { 'x-csrf-token': 'forged' }, '{"confirm":"stop"}')).status, 403);
  assert.equal((await post('/api/stop', { 'x-csrf-token': csrf }, '{}')).status, 400);
  assert.equal((await post('/api/stop', { 'x-csrf-token': csrf }, '{"confirm":"resume"}')).status, 400);
  assert.equal((await post('/api/stop', { 'x-csrf-token': csrf }, 'x'.repeat(5000))).status, 400);
  assert.deepEqual(calls, []);
  const ok = await post('/api/stop', { 'x-csrf-token': csrf }, '{"confirm":"stop"}');
  assert.equal(ok.status, 200);
  assert.deepEqual(JSON.parse(ok.body), { ok: true, message: 'stopped' });
  const refused = await post('/api/resume', { 'x-csrf-token': csrf }, '{"confirm":"resume"}');
  assert.equal(refused.status, 409);
  assert.match(refused.body, /risk limit holds/);
  assert.deepEqual(calls, ['stop:dashboard', 'resume:dashboard']);
  assert.equal((await call(server.port, '/api/stop')).status, 404); // GET never acts
});

test('on loopback a Host header naming another machine is refused (DNS rebinding)', async (t) => {
  const { server } = await start(t);
  assert.equal((await call(server.port, '/', { headers: { host: 'evil.example:80' } })).status, 403);
  assert.equal((await call(server.port, '/', { headers: { host: `localhost:${server.port}` } })).status, 200);
});

test('with a token: refused without it; ?token= becomes an HttpOnly cookie and leaves the URL', async (t) => {
  const { server } = await start(t, TOKEN);
  assert.equal((await call(server.port, '/')).status, 401);
  assert.equal((await call(server.port, '/?token=wrong')).status, 401);
  assert.equal((await call(server.port, '/events')).status, 401);
  const login = await call(server.port, `/?token=${TOKEN}`);
  assert.equal(login.status, 303);
  assert.equal(login.headers.location, '/');
  const cookie = String(login.headers['set-cookie']);
  assert.match(cookie, /HttpOnly; SameSite=Strict/);
  const page = await call(server.port, '/', { headers: { cookie: cookie.split(';')[0] ?? '' } });
  assert.equal(page.status, 200);
  assert.ok(!page.body.includes(TOKEN), 'the token must not be in the page');
});

test('a port already taken is an error for the caller (the program then runs without the dashboard)', async (t) => {
  const { server } = await start(t);
  await assert.rejects(
    startDashboard({
      host: '127.0.0.1',
      port: server.port,
      token: null,
      clientScript: '',
      log: { info: () => undefined, warn: () => undefined },
      snapshot: () => ({}) as DashboardSnapshot,
      control: { stop: () => ({ ok: true, message: '' }), resume: () => ({ ok: true, message: '' }) },
    }),
    /EADDRINUSE/,
  );
});
