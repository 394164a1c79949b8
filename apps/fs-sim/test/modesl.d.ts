// The subset of modesl 1.2.1 the tests use (the package ships no types).
declare module 'modesl' {
  import { EventEmitter } from 'node:events';

  export class Event {
    getHeader(name: string): string | undefined;
    getBody(): string;
    getType(): string;
    serialize(format?: 'plain' | 'json' | 'xml'): string;
    headers: Array<{ name: string; value: string }>;
  }

  export class Connection extends EventEmitter {
    constructor(host: string, port: number, password: string, readyCb?: () => void);
    api(command: string, args: string | string[], cb: (res: Event) => void): void;
    api(command: string, cb: (res: Event) => void): void;
    bgapi(command: string, args: string | string[], jobId: string, cb: (res: Event) => void): void;
    bgapi(command: string, args: string | string[], cb: (res: Event) => void): void;
    events(type: 'json' | 'plain' | 'xml', events: string | string[], cb?: (res: Event) => void): void;
    execute(app: string, arg: string, uuid: string, cb?: (res: Event) => void): string;
    connected(): boolean;
    disconnect(): void;
    on(event: string, listener: (evt: Event) => void): this;
  }
}
