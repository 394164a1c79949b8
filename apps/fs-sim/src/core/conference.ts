import { randomUUID } from 'node:crypto';
import type { CallEngine } from './call-engine';
import { addChannelData, type Channel, type RunningApp } from './channel';

interface Room {
  name: string;
  uuid: string;
  members: Map<number, Channel>;
}

/**
 * Just enough mod_conference for an agent's nailed-up leg and supervisor monitor /
 * whisper / barge: rooms, numeric member ids, mute/deaf flags, kick/hup, and the
 * CUSTOM conference::maintenance events.
 */
export class ConferenceRegistry {
  private readonly rooms = new Map<string, Room>();
  private nextMemberId = 0;

  constructor(private readonly engine: CallEngine) {}

  /** A switch restart: every room vanishes with its members. */
  clear(): void {
    this.rooms.clear();
  }

  /** `conference <name>[@profile][+flags{mute|deaf|...}]` */
  join(ch: Channel, app: RunningApp): void {
    const m = /^([^@+\s]+)(?:@[^+\s]*)?(?:\+flags\{([^}]*)\})?/.exec(app.data.trim());
    const name = m?.[1] ?? 'default';
    const flags = new Set((m?.[2] ?? '').split('|').filter(Boolean));
    let room = this.rooms.get(name);
    if (!room) {
      room = { name, uuid: randomUUID(), members: new Map() };
      this.rooms.set(name, room);
      this.fire(room, undefined, 'conference-create');
    }
    const memberId = ++this.nextMemberId;
    room.members.set(memberId, ch);
    ch.conference = { name, memberId, flags };
    ch.setVar('conference_name', name);
    ch.setVar('conference_member_id', String(memberId));
    this.fire(room, ch, 'add-member');
    app.stop = () => {
      this.leave(ch);
      return undefined;
    };
  }

  leave(ch: Channel): void {
    const info = ch.conference;
    if (!info) return;
    ch.conference = undefined;
    const room = this.rooms.get(info.name);
    if (!room) return;
    room.members.delete(info.memberId);
    this.fire(room, ch, 'del-member', info.memberId, info.flags);
    if (room.members.size === 0) {
      this.fire(room, undefined, 'conference-destroy');
      this.rooms.delete(room.name);
    }
  }

  /** The `conference` API. */
  api(arg: string): string {
    const words = arg.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) return '-USAGE: conference <name> <command> [args]\n';
    if (words[0] === 'list' && words.length === 1) {
      return [...this.rooms.values()]
        .map(
          (r) =>
            `+OK Conference ${r.name} (${r.members.size} members rate: 8000 flags: running|answered|enforce_min|dynamic|exit_sound|enter_sound)\n${this.listMembers(r)}`,
        )
        .join('');
    }
    const [name, cmd = 'list', target] = words;
    const room = this.rooms.get(name!);
    if (!room) return `-ERR Conference ${name} not found\n`;
    if (cmd === 'list') return this.listMembers(room);
    if (cmd === 'count') return `${room.members.size}\n`;
    const members =
      target === 'all'
        ? [...room.members.keys()]
        : target === 'last'
          ? [Math.max(...room.members.keys())]
          : [Number(target)];
    const out: string[] = [];
    for (const id of members) {
      const ch = room.members.get(id);
      if (!ch || !ch.conference) {
        out.push(`-ERR Member: ${target} not found.\n`);
        continue;
      }
      const flags = ch.conference.flags;
      switch (cmd) {
        case 'mute':
          flags.add('mute');
          this.fire(room, ch, 'mute-member');
          out.push(`+OK mute ${id}\n`);
          break;
        case 'unmute':
          flags.delete('mute');
          this.fire(room, ch, 'unmute-member');
          out.push(`+OK unmute ${id}\n`);
          break;
        case 'deaf':
          flags.add('deaf');
          this.fire(room, ch, 'deaf-member');
          out.push(`+OK deaf ${id}\n`);
          break;
        case 'undeaf':
          flags.delete('deaf');
          this.fire(room, ch, 'undeaf-member');
          out.push(`+OK undeaf ${id}\n`);
          break;
        case 'kick':
          this.fire(room, ch, 'kick-member');
          out.push(`+OK kicked ${id}\n`);
          this.kick(ch);
          break;
        case 'hup':
          this.fire(room, ch, 'hup-member');
          out.push(`+OK hup ${id}\n`);
          this.kick(ch);
          break;
        default:
          return `-ERR Unknown command ${cmd}\n`;
      }
    }
    return out.join('');
  }

  private kick(ch: Channel): void {
    const app = ch.appStack.find((a) => a.name.toLowerCase() === 'conference');
    if (app) this.engine.completeApp(ch, app, app.stop('transfer'));
  }

  private listMembers(room: Room): string {
    let out = '';
    for (const [id, ch] of room.members) {
      const f = ch.conference?.flags ?? new Set<string>();
      const flags = [f.has('deaf') ? '' : 'hear', f.has('mute') ? '' : 'speak'].filter(Boolean).join('|');
      out += `${id};${ch.name};${ch.uuid};${ch.profile.callerIdName ?? ''};${ch.profile.callerIdNumber};${flags};0;0;100\n`;
    }
    return out;
  }

  private fire(
    room: Room,
    ch: Channel | undefined,
    action: string,
    memberId?: number,
    flags?: Set<string>,
  ): void {
    const f = flags ?? ch?.conference?.flags ?? new Set<string>();
    const id = memberId ?? ch?.conference?.memberId;
    this.engine.sw.fire(
      'CUSTOM',
      (ev) => {
        ev.add('Conference-Name', room.name)
          .add('Conference-Domain', this.engine.sw.hostname)
          .add('Conference-Size', room.members.size)
          .add('Conference-Ghosts', 0)
          .add('Conference-Profile-Name', 'default')
          .add('Conference-Unique-ID', room.uuid);
        if (ch) {
          addChannelData(ev, ch, true);
          ev.add('Hear', f.has('deaf') ? 'false' : 'true')
            .add('See', 'true')
            .add('Speak', f.has('mute') ? 'false' : 'true')
            .add('Talking', 'false')
            .add('Mute-Detect', 'false')
            .add('Member-ID', id)
            .add('Member-Type', f.has('moderator') ? 'moderator' : 'member')
            .add('Member-Ghost', 'false')
            .add('Energy-Level', 100)
            .add('Current-Energy', 0);
        }
        ev.add('Action', action);
      },
      'conference::maintenance',
    );
  }
}
