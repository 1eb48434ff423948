// settings/ door inside planner/: the GUC table and a session's values.
export { SETTING_DEFS, SERVER_VERSION, SERVER_VERSION_NUM, findSetting, parseBoolText, formatMs, parseMs, type SettingDef } from './defs.js';
export { SessionSettings, type SettingsSnapshot } from './session-settings.js';
export { normalizeTimeZone, fixedOffsetZoneName } from './timezone.js';
