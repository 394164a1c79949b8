export * from './campaign.schemas';
export * from './recording.schemas';
export * from './contact-list.schemas';
export * from './contact.schemas';
export * from './disposition.schemas';
export * from './campaign.rpcs';
export * from './campaign.events';
