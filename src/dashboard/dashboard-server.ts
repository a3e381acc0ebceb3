/**
 * The live dashboard's HTTP server, on the main thread (never a trading thread): the page, its
 * script and style, and one server-sent-events stream per open page onto which the main thread
 * pushes the whole picture (a snapshot) once a second and on every trade event: no polling.
 *
 * Guarded: it listens on loopback unless told otherwise, and then only with a token (config
 * checks that). On loopback the Host header must name loopback (a DNS-rebinding page cannot reach
 * it); with a token, every request carries it (first as `?token=`, then as an HttpOnly cookie).
 * Stop and resume are POSTs that need the page's per-process CSRF value in a header — a page of
 * another origin can neither read that value nor send that header without a preflight this server
 * never grants — and an explicit `confirm` in the body.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isLoopbackHost } from '../config/config.js';
import type { ControlResult } from '../control/trading-control.js';
import { PAGE_CSS, pageHtml } from './dashboard-page.js';
import type { DashboardSnapshot } from './snapshot-types.js';

export interface DashboardOptions {
  readonly host: string;
  /** 0: any free port. */
  readonly port: number;
  readonly token: string | null;
  readonly snapshot: () => DashboardSnapshot;
  readonly control: { stop(source: string): ControlResult; resume(source: string): ControlResult };
  /** The page's compiled script (client/app.ts). */
  readonly clientScript: string;
  readonly log: {
    info(msg: string, f?: Record<string, unknown>): void;
    warn(msg: string, f?: Record<string, unknown>): void;
  };
}

export interface DashboardServer {
  /** e.g. http://127.0.0.1:8787/ */
  readonly url: string;
  readonly port: number;
  /** Pushes a fresh snapshot to every open page. */
  publish(): void;
  clients(): number;
  close(): Promise<void>;
}

/** Open pages at once; more are refused (503): memory and work stay bounded. */
const MAX_CLIENTS = 16;
/** A page that falls this far behind is dropped (it reconnects and gets a fresh snapshot). */
const MAX_CLIENT_BACKLOG_BYTES = 1 << 20;
const MAX_BODY_BYTES = 1024;
const COOKIE = 'kraken_arb_dashboard';
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
const sameSecret = (a: string, b: string): boolean => timingSafeEqual(digest(a), digest(b));

function cookieToken(req: IncomingMessage): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return decodeURIComponent(v.join('='));
  }
  return null;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type });
  res.end(body);
}

const json = (res: ServerResponse, status: number, v: unknown): void =>
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(v));

async function readBody(req: IncomingMessage): Promise<string | null> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > MAX_BODY_BYTES) return null;
  }
  return body;
}

const TEXT = 'text/plain; charset=utf-8';

/** One listening dashboard: routes, guards and the open event streams. */
class Dashboard implements DashboardServer {
  private readonly csrf = randomBytes(24).toString('base64url');
  private readonly clientSet = new Set<ServerResponse>();
  private readonly loopback: boolean;
  private readonly server: Server;
  port = 0;

  constructor(private readonly o: DashboardOptions) {
    this.loopback = isLoopbackHost(o.host);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        o.log.warn('dashboard request failed', { error: err instanceof Error ? err.message : String(err) });
        if (!res.headersSent) send(res, 500, TEXT, 'Internal error.\n');
        else res.destroy();
      });
    });
    this.server.on('clientError', (_err, socket) => socket.destroy());
  }

  get url(): string {
    const host = this.o.host.includes(':') && !this.o.host.startsWith('[') ? `[${this.o.host}]` : this.o.host;
    return `http://${host}:${this.port}/`;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.o.port, this.o.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.server.on('error', (err) => this.o.log.warn('dashboard server error', { error: err.message }));
    this.port = (this.server.address() as AddressInfo).port;
  }

  publish(): void {
    if (this.clientSet.size === 0) return;
    const data = JSON.stringify(this.o.snapshot());
    for (const res of this.clientSet) this.writeEvent(res, data);
  }

  clients(): number {
    return this.clientSet.size;
  }

  async close(): Promise<void> {
    for (const res of this.clientSet) res.end();
    this.clientSet.clear();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.allowedHost(req)) {
      send(res, 403, TEXT, 'Refused: the Host header does not name this machine.\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
    if (!this.authorized(req, res, url)) return;
    switch (`${req.method ?? 'GET'} ${url.pathname}`) {
      case 'GET /':
        return send(res, 200, 'text/html; charset=utf-8', pageHtml(this.csrf));
      case 'GET /app.js':
        return send(res, 200, 'text/javascript; charset=utf-8', this.o.clientScript);
      case 'GET /app.css':
        return send(res, 200, 'text/css; charset=utf-8', PAGE_CSS);
      case 'GET /favicon.ico':
        res.writeHead(204, SECURITY_HEADERS);
        return void res.end();
      case 'GET /events':
        return this.events(req, res);
      case 'GET /api/state':
        return json(res, 200, this.o.snapshot());
      case 'POST /api/stop':
        return this.control(req, res, 'stop');
      case 'POST /api/resume':
        return this.control(req, res, 'resume');
      default:
        send(res, 404, TEXT, 'Not found.\n');
    }
  }

  private allowedHost(req: IncomingMessage): boolean {
    if (!this.loopback) return true; // the token guards a non-loopback listener
    const host = (req.headers.host ?? '').toLowerCase();
    const p = this.port;
    return [`127.0.0.1:${p}`, `localhost:${p}`, `[::1]:${p}`, `${this.o.host}:${p}`].includes(host);
  }

  /** True when the request may go on; otherwise it has been answered. */
  private authorized(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    const token = this.o.token;
    if (token === null) return true;
    const given = url.searchParams.get('token');
    if (given !== null && sameSecret(given, token)) {
      // Trade the token in the URL for a cookie, and drop it from the address bar and history.
      res.writeHead(303, {
        ...SECURITY_HEADERS,
        location: url.pathname,
        'set-cookie': `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
      });
      res.end();
      return false;
    }
    const cookie = cookieToken(req);
    if (cookie !== null && sameSecret(cookie, token)) return true;
    send(res, 401, TEXT, 'This dashboard needs its token: open it with ?token=<DASHBOARD_TOKEN>.\n');
    return false;
  }

  private events(req: IncomingMessage, res: ServerResponse): void {
    if (this.clientSet.size >= MAX_CLIENTS) {
      send(res, 503, TEXT, 'Too many dashboard pages open.\n');
      return;
    }
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      connection: 'keep-alive',
    });
    res.write('retry: 2000\n\n');
    this.clientSet.add(res);
    req.on('close', () => this.clientSet.delete(res));
    this.writeEvent(res, JSON.stringify(this.o.snapshot()));
  }

  private async control(req: IncomingMessage, res: ServerResponse, action: 'stop' | 'resume'): Promise<void> {
    const header = req.headers['x-csrf-token'];
    if (typeof header !== 'string' || !sameSecret(header, this.csrf)) {
      json(res, 403, { ok: false, message: 'refused: this request did not come from the dashboard page' });
      return;
    }
    let confirm: unknown;
    try {
      confirm = (JSON.parse((await readBody(req)) ?? '') as { confirm?: unknown }).confirm;
    } catch {
      confirm = undefined; // not JSON: refused below like a missing confirmation
    }
    if (confirm !== action) {
      json(res, 400, { ok: false, message: `refused: the body must be {"confirm":"${action}"}` });
      return;
    }
    const result = action === 'stop' ? this.o.control.stop('dashboard') : this.o.control.resume('dashboard');
    json(res, result.ok ? 200 : 409, result);
    this.publish();
  }

  private writeEvent(res: ServerResponse, data: string): void {
    if (res.writableLength > MAX_CLIENT_BACKLOG_BYTES) {
      this.clientSet.delete(res);
      res.destroy();
      return;
    }
    res.write(`event: state\ndata: ${data}\n\n`);
  }
}

export async function startDashboard(o: DashboardOptions): Promise<DashboardServer> {
  const d = new Dashboard(o);
  await d.listen();
  return d;
}
