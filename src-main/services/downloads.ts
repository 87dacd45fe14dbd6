/**
 * Web mode's downloads: the renderer asks for something of the project by name ('files.download'),
 * main resolves it inside the project and hands back a one-time URL; the browser then fetches it
 * with a plain navigation, so a 2 GB export streams to disk instead of through page memory. A
 * ticket is 128 random bits, works once, and lapses after a minute.
 */
import { randomBytes } from 'node:crypto';

const TICKET_TTL_MS = 60_000;
const MAX_TICKETS = 64;
export const DOWNLOAD_PREFIX = '/api/download/';

export interface DownloadTicket {
  path: string;
  /** The file name the browser saves it as (a folder arrives as <name>.zip). */
  name: string;
}

export class DownloadTickets {
  readonly #tickets = new Map<string, DownloadTicket & { expires: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  issue(download: DownloadTicket): string {
    this.#sweep();
    // The oldest outstanding ticket gives way: a page cannot pile them up.
    if (this.#tickets.size >= MAX_TICKETS) this.#tickets.delete(this.#tickets.keys().next().value!);
    const ticket = randomBytes(16).toString('hex');
    this.#tickets.set(ticket, { ...download, expires: this.now() + TICKET_TTL_MS });
    return ticket;
  }

  /** The download behind a ticket, once; null when unknown, used or lapsed. */
  take(ticket: string): DownloadTicket | null {
    const found = this.peek(ticket);
    this.#tickets.delete(ticket);
    return found;
  }

  /** The download behind a ticket without using it up (a HEAD request asks what a GET would get). */
  peek(ticket: string): DownloadTicket | null {
    this.#sweep();
    const found = this.#tickets.get(ticket);
    return found ? { path: found.path, name: found.name } : null;
  }

  #sweep(): void {
    const now = this.now();
    for (const [ticket, entry] of this.#tickets) if (entry.expires <= now) this.#tickets.delete(ticket);
  }
}

/** The URL a ticket is fetched from; the name at the end is what browsers show while it loads. */
export function downloadUrl(ticket: string, name: string): string {
  return `${DOWNLOAD_PREFIX}${ticket}/${encodeURIComponent(name)}`;
}
