/**
 * A local HTTP server speaking the Telegram Bot API's sendMessage, for tests: it checks the token in
 * the path, the JSON body and chat_id like Telegram does, and answers with Telegram's envelopes,
 * including scripted failures (400 chat not found, 401, 429 with retry_after, 500, hanging).
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
  /** Every request, including refused ones. */
  requests: number;
  /** Answers to use for the next requests, in order; after that: success. */
  readonly script: Scripted[];
  close(): Promise<void>;
}

export async function startFakeBotApi(token: string, chatId: string): Promise<FakeBotApi> {
  const hanging: ServerResponse[] = [];
  const state: FakeBotApi = {
    url: '',
    messages: [],
    requests: 0,
    script: [],
    close: async () => {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const reply = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      state.requests++;
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
