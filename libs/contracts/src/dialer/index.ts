export * from './dialer-rpcs';
export * from './dialer-agent-rpcs';
