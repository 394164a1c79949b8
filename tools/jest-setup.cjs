// NestJS relies on reflect-metadata being loaded before any decorated class.
require('reflect-metadata');
