import { postChatMessage } from '../domain/chatMessages.js';
import type { DomainContext } from '../domain/context.js';
import type { Meeting } from '../domain/meetings.js';
import { findUser, type User } from '../domain/users.js';
import { DomainError } from '../runtime/errors.js';

/** A message to post in the meeting's chat during a simulated meeting (POST /_emulator/meetings/{id}/simulate `chatMessages`). */
export interface ScriptedChatMessage {
  /** A participant: the organizer or an invited attendee (id or UPN). */
  from: string;
  text: string;
}

export const MAX_SIMULATED_CHAT_MESSAGES = 100;

/** What people type in a meeting chat when the simulation is not told: organizer first, then attendees in turn. */
const DEFAULT_LINES = [
  'Hi all, the agenda is in the meeting notes.',
  'Thanks! I can only join with audio today.',
  'Could you share the slides after the call?',
  'Action item for me: send the updated figures by Friday.',
  'Thanks everyone, talk next week.',
];

/**
 * Post the meeting chat's messages of a call that ran from `startMs` to `endMs`: the scripted ones, or
 * a few default lines from the participants, spread evenly over the call. Returns the message ids.
 */
export async function postMeetingChat(
  ctx: DomainContext,
  meeting: Meeting,
  participantIds: readonly string[],
  startMs: number,
  endMs: number,
  script?: readonly ScriptedChatMessage[],
): Promise<string[]> {
  if (script !== undefined && script.length > MAX_SIMULATED_CHAT_MESSAGES) throw new DomainError('invalid', `At most ${MAX_SIMULATED_CHAT_MESSAGES} chatMessages.`);
  const people: User[] = [];
  for (const id of participantIds) {
    const user = await findUser(ctx, meeting.tenantId, id);
    if (user !== undefined) people.push(user);
  }
  const lines: { user: User; text: string }[] = [];
  if (script === undefined) {
    DEFAULT_LINES.forEach((text, i) => {
      const user = i === 0 || i === DEFAULT_LINES.length - 1 ? people[0] : people[1 + ((i - 1) % Math.max(people.length - 1, 1))];
      if (user !== undefined) lines.push({ user, text });
    });
  } else {
    for (const m of script) {
      const user = people.find((p) => p.id === m.from || p.userPrincipalName.toLowerCase() === m.from.toLowerCase());
      if (user === undefined) throw new DomainError('invalid', `chatMessages: '${m.from.slice(0, 64)}' is not the organizer or an attendee of the meeting.`);
      if (m.text.trim() === '') throw new DomainError('invalid', 'chatMessages: a message needs text.');
      lines.push({ user, text: m.text });
    }
  }
  const ids: string[] = [];
  for (const [i, line] of lines.entries()) {
    const at = startMs + Math.floor(((endMs - startMs) * (i + 1)) / (lines.length + 1));
    const message = await postChatMessage(ctx, { meeting, fromUserId: line.user.id, fromDisplayName: line.user.displayName, content: line.text, createdDateTime: new Date(at).toISOString() });
    ids.push(message.id);
  }
  return ids;
}
