/**
 * The names the operators read (Chinese first) for the figures' codes, and the bands of the week
 * distribution. No imports: the console (console/app.ts, in the browser) uses them too.
 */

/** The bands of the week distribution, by hours played in the week (upper bounds inclusive). */
export const WEEK_BANDS = [
  { band: 'upTo1h', maxSeconds: 3600 },
  { band: '1to2h', maxSeconds: 7200 },
  { band: '2to3h', maxSeconds: 10_800 },
  { band: '3to5h', maxSeconds: 18_000 },
  { band: 'over5h', maxSeconds: Infinity },
] as const;
export type WeekBand = (typeof WEEK_BANDS)[number]['band'];

export const REFUSAL_NAMES: Record<string, string> = {
  identity_required: '未实名认证',
  play_time_restricted: '非可玩时段',
  account_blocked: '账号已封禁',
  session_active_elsewhere: '已在别处登录',
  challenge_required: '需人脸验证',
  guardian_restricted: '监护人限制',
};
export const TERMINATION_NAMES: Record<string, string> = {
  logout: '主动退出',
  session_expired: '心跳超时',
  signed_in_elsewhere: '在别处登录',
  play_time_exhausted: '时长用尽',
  outside_allowed_hours: '可玩时段结束',
  challenge_failed: '人脸验证失败',
  account_blocked: '账号封禁',
  guardian_restricted: '监护人限制',
};
export const LIMIT_NAMES: Record<string, string> = { age: '年龄（不满8周岁）', single: '单次限额', daily: '单日限额', monthly: '单月限额' };
export const BAND_NAMES: Record<string, string> = { '0': '不满8周岁', '8': '8–15周岁', '16': '16–17周岁', '18': '成年人', unknown: '未记录' };
export const SIGNAL_NAMES: Record<string, string> = {
  night_patrol: '夜间巡查',
  payment_patrol: '消费巡查',
  device_many_accounts: '一机多号',
  account_many_devices: '一号多机',
  identity_many_accounts: '一人多号',
};
export const WEEK_BAND_NAMES: Record<string, string> = { upTo1h: '≤1小时', '1to2h': '1–2小时', '2to3h': '2–3小时', '3to5h': '3–5小时', over5h: '>5小时' };

export const CATEGORY_NAMES: Record<string, string> = {
  real_name: '实名认证',
  play_time: '游戏时间',
  payment: '充值消费',
  personal_information: '个人信息',
  account_sharing: '账号出租出借',
  other: '其他',
};
export const REGISTER_KIND_NAMES: Record<string, string> = {
  complaint: '投诉',
  export: '导出个人信息',
  erasure: '删除个人信息',
  correction: '更正实名信息',
  refund: '退款申请',
};
export const OUTCOME_NAMES: Record<string, string> = { resolved: '已解决', refused: '不予支持', withdrawn: '已撤回（账号已注销）' };
