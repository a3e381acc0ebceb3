/**
 * WebSocket tokens (GetWebSocketsToken): valid for 900 s from issue unless expired by the
 * `expireTokens` fault. Keeping a token alive across an established WS subscription is the WS
 * servers' job; this store only answers "which key issued this token, and is it still valid".
 */

/** Kraken: "use within 15 min". */
export const TOKEN_LIFETIME_SEC = 900;
/** Bound memory: the oldest tokens are dropped past this many. */
const MAX_TOKENS = 10_000;

export class TokenStore {
  private readonly tokens = new Map<string, { apiKey: string; expiresAtMs: number }>();

  constructor(private readonly draw: () => string) {}

  issue(apiKey: string, nowMs: number): { token: string; expires: number } {
    if (this.tokens.size >= MAX_TOKENS) {
      const oldest = this.tokens.keys().next();
      if (oldest.done !== true) this.tokens.delete(oldest.value);
    }
    const token = this.draw();
    this.tokens.set(token, { apiKey, expiresAtMs: nowMs + TOKEN_LIFETIME_SEC * 1000 });
    return { token, expires: TOKEN_LIFETIME_SEC };
  }

  apiKeyFor(token: string, nowMs: number): string | undefined {
    const t = this.tokens.get(token);
    if (t === undefined) return undefined;
    if (nowMs >= t.expiresAtMs) {
      this.tokens.delete(token);
      return undefined;
    }
    return t.apiKey;
  }

  expireAll(): void {
    this.tokens.clear();
  }
}
