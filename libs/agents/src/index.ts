export * from './agent-kinds';
export * from './agent-store';
export * from './agent-scheduler.service';
