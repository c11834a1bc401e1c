import { AUDIT_EVENT_TYPES, type AuditEvent, type AuditEventType, type AuditFilters } from '../../store/index.js';
import { parseCommandArgs } from '../args.js';
import { cliSettings, withTessera } from '../context.js';
import { instantAgo } from '../durations.js';
import { CommandError } from '../errors.js';

const USAGE = 'usage: tessera audit [--user USERNAME|ID] [--type TYPE] [--since 1h] [--limit N] [--json]';

/**
 * `tessera audit`: the audit log, newest first, one event a line (`--json`: one JSON object a
 * line). `--user` takes a username or a numeric user id; `--since` a duration back from now.
 */
export async function auditCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs('audit', args, {
    user: { type: 'string' },
    type: { type: 'string' },
    since: { type: 'string' },
    limit: { type: 'string', default: '100' },
    json: { type: 'boolean', default: false },
  }, true);
  if (positionals.length > 0) throw new CommandError(USAGE, 2);
  const filters: AuditFilters = {};
  if (values.type !== undefined) {
    if (!(AUDIT_EVENT_TYPES as readonly string[]).includes(values.type)) {
      throw new CommandError(`unknown event type ${JSON.stringify(values.type)}; known types are ${AUDIT_EVENT_TYPES.join(', ')}`, 2);
    }
    filters.type = values.type as AuditEventType;
  }
  if (values.since !== undefined) filters.since = instantAgo('--since', values.since);
  if (!/^\d{1,7}$/.test(values.limit) || Number(values.limit) < 1) throw new CommandError('--limit: use a whole number from 1', 2);
  filters.limit = Number(values.limit);
  const user = values.user;

  if (user !== undefined) {
    if (/^\d+$/.test(user)) filters.userId = Number(user);
    else filters.username = user;
  }
  const events = await withTessera(cliSettings(), (tessera) => tessera.audit.list(filters));
  for (const event of events) process.stdout.write(`${values.json ? JSON.stringify(event) : formatEvent(event)}\n`);
}

/** `AT  TYPE  user=NAME (#ID)  ip=IP  ua="AGENT"  DETAIL`, control characters escaped. */
export function formatEvent(event: AuditEvent): string {
  const who = event.username === null && event.userId === null
    ? '-'
    : `${event.username ?? '?'}${event.userId === null ? '' : ` (#${event.userId})`}`;
  const parts = [
    event.at, event.type.padEnd(17), `user=${who}`, `ip=${event.ip || '-'}`,
    `ua=${JSON.stringify(event.userAgent)}`, JSON.stringify(event.detail),
  ];
  return parts.join('  ').replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
