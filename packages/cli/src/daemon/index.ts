/**
 * The local daemon as the rest of the CLI sees it: where its state lives, how to reach it, and
 * how to start (`ensureDaemon`) and stop (`stopDaemon`) it.
 */
export {
  AGENT_DATA_DIR,
  CONTROL_SOCKET_FILE,
  DAEMON_LOG_FILE,
  DAEMON_PID_FILE,
  controlSocketPath,
  defaultControlHost,
  defaultStateDir,
} from './state-dir.js';
export { ensureDaemon, DAEMON_START_TIMEOUT_MS, type DaemonEndpoint, type EnsureDaemonOptions } from './ensure-daemon.js';
export { stopDaemon, DAEMON_STOP_TIMEOUT_MS, type StopDaemonResult } from './stop-daemon.js';
export { socketAnswers } from './control-socket-probe.js';
