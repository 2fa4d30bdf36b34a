// Context keys through which every widget receives its API client and host bridge: a shell (or a
// standalone widget's own root) provides them; leaf components consume them, never construct them.
import { createContext } from '@lit/context';
import type { ApiClient } from './api-client.ts';
import type { HostBridge } from './host-bridge.ts';

export const apiContext = createContext<ApiClient>(Symbol.for('wa-api'));
export const hostContext = createContext<HostBridge>(Symbol.for('wa-host'));
