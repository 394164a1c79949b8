export * from './dialer-rpcs';
