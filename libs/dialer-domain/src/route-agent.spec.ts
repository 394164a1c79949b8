import { routeAgentOf } from './route-agent';

describe('routeAgentOf', () => {
  it.each([
    ['an unassigned contact', { ownerAgentId: null, callback: null }, null],
    ['a contact assigned to an agent', { ownerAgentId: 'a1', callback: null }, 'a1'],
    ['an agent’s own callback', { ownerAgentId: null, callback: { ownerAgentId: 'a2' } }, 'a2'],
    [
      'an agent’s callback on a contact assigned to another',
      { ownerAgentId: 'a1', callback: { ownerAgentId: 'a2' } },
      'a2',
    ],
    [
      'anyone’s callback on an assigned contact',
      { ownerAgentId: 'a1', callback: { ownerAgentId: null } },
      null,
    ],
  ])('%s -> %s', (_what, contact, agent) => {
    expect(routeAgentOf(contact)).toBe(agent);
  });
});
