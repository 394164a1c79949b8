// The subset of modesl 1.2.1 the benchmark uses (the package ships no types). libs/esl
// itself does not use modesl: see README, "Why not modesl underneath".
declare module 'modesl' {
  import { EventEmitter } from 'node:events';

  export class Event {
    getHeader(name: string): string | undefined;
    getBody(): string;
    getType(): string;
  }

  export class Connection extends EventEmitter {
    constructor(host: string, port: number, password: string, readyCb?: () => void);
    api(command: string, cb: (res: Event) => void): void;
    events(type: 'json' | 'plain' | 'xml', events: string | string[], cb?: (res: Event) => void): void;
    disconnect(): void;
  }
}
