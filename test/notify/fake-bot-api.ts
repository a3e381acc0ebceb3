/**
 * A local HTTP server speaking the Telegram Bot API's sendMessage and getUpdates, for tests: it
 * checks the token in the path, the JSON body and chat_id like Telegram does, and answers with
 * Telegram's envelopes, including scripted sendMessage failures (400 chat not found, 401, 429 with
 * retry_after, 500, hanging). getUpdates follows https://core.telegram.org/bots/api#getupdates:
 * `offset` confirms every update below it (a negative offset returns only the newest), and with
 * `timeout` the request is held until an update arrives or the timeout passes (long polling).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface ReceivedMessage {
  readonly chatId: unknown;
  readonly text: string;
  readonly contentType: string | undefined;
}

export type Scripted = { status: number; body: unknown } | 'hang';

export interface FakeBotApi {
  readonly url: string;
  readonly messages: ReceivedMessage[];
  /** Queues a user's message to the bot from `chatId`; returns its update_id. */
  pushMessage(chatId: string | number, text: string): number;
  /** getUpdates requests answered so far. */
  getUpdatesCalls: number;
  /** Every request, including refused ones. */
  requests: number;
  /** Answers to use for the next requests, in order; after that: success. */
  readonly script: Scripted[];
  close(): Promise<void>;
}

interface Update {
  update_id: number;
  message: { message_id: number; date: number; chat: { id: number; type: string }; text: string };
}

/** Longest hold of a getUpdates request, whatever timeout it asks for. */
const MAX_HOLD_MS = 30_000;

export async function startFakeBotApi(token: string, chatId: string): Promise<FakeBotApi> {
  const hanging: ServerResponse[] = [];
  let updates: Update[] = [];
  let nextUpdateId = 1000;
  const waiters = new Set<() => void>();
  const state: FakeBotApi = {
    url: '',
    messages: [],
    requests: 0,
    getUpdatesCalls: 0,
    script: [],
    pushMessage: (chat, text) => {
      const id = nextUpdateId++;
      updates.push({
        update_id: id,
        message: {
          message_id: id,
          date: Math.floor(Date.now() / 1000),
          chat: { id: Number(chat), type: 'group' },
          text,
        },
      });
      for (const w of [...waiters]) w();
      return id;
    },
    close: async () => {
      for (const r of hanging) r.destroy();
      for (const w of [...waiters]) w();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const reply = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const getUpdates = (raw: string, res: ServerResponse): void => {
    let body: { offset?: unknown; timeout?: unknown };
    try {
      body = raw === '' ? {} : (JSON.parse(raw) as typeof body);
    } catch {
      reply(res, 400, { ok: false, error_code: 400, description: "Bad Request: can't parse JSON" });
      return;
    }
    const offset = typeof body.offset === 'number' ? body.offset : 0;
    const answer = (): void => {
      state.getUpdatesCalls++;
      reply(res, 200, {
        ok: true,
        result: offset < 0 ? updates.slice(offset) : updates.filter((u) => u.update_id >= offset),
      });
    };
    // An offset confirms (forgets) every update below it; a negative one forgets all but the newest.
    if (offset < 0) updates = updates.slice(offset);
    else if (offset > 0) updates = updates.filter((u) => u.update_id >= offset);
    const pending = offset < 0 ? updates.length : updates.filter((u) => u.update_id >= offset).length;
    const holdMs = Math.min(MAX_HOLD_MS, Math.max(0, Number(body.timeout) || 0) * 1000);
    if (pending > 0 || holdMs === 0) {
      answer();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      waiters.delete(done);
      if (!res.writableEnded && !res.destroyed) answer();
    };
    const timer = setTimeout(done, holdMs);
    waiters.add(done);
    res.on('close', () => {
      clearTimeout(timer);
      waiters.delete(done);
    });
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      state.requests++;
      if (req.method === 'POST' && req.url === `/bot${token}/getUpdates`) {
        getUpdates(raw, res);
        return;
      }
      if (req.method !== 'POST' || req.url !== `/bot${token}/sendMessage`) {
        reply(res, req.url?.startsWith('/bot') ? 401 : 404, {
          ok: false,
          error_code: 401,
          description: 'Unauthorized',
        });
        return;
      }
      const next = state.script.shift();
      if (next === 'hang') {
        hanging.push(res);
        return;
      }
      if (next !== undefined) {
        reply(res, next.status, next.body);
        return;
      }
      let body: { chat_id?: unknown; text?: unknown };
      try {
        body = JSON.parse(raw) as typeof body;
      } catch {
        reply(res, 400, { ok: false, error_code: 400, description: "Bad Request: can't parse JSON" });
        return;
      }
      if (String(body.chat_id) !== chatId) {
        reply(res, 400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' });
        return;
      }
      if (typeof body.text !== 'string' || body.text.length === 0 || body.text.length > 4096) {
        reply(res, 400, {
          ok: false,
          error_code: 400,
          description: 'Bad Request: message text is empty or too long',
        });
        return;
      }
      state.messages.push({
        chatId: body.chat_id,
        text: body.text,
        contentType: req.headers['content-type'],
      });
      reply(res, 200, {
        ok: true,
        result: { message_id: state.messages.length, chat: { id: Number(chatId) }, text: body.text },
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  return Object.assign(state, { url: `http://127.0.0.1:${port}` });
}

export const tooManyRequests = (retryAfterS: number): Scripted => ({
  status: 429,
  body: {
    ok: false,
    error_code: 429,
    description: `Too Many Requests: retry after ${retryAfterS}`,
    parameters: { retry_after: retryAfterS },
  },
});
export const serverError: Scripted = {
  status: 500,
  body: { ok: false, error_code: 500, description: 'Internal Server Error' },
};
