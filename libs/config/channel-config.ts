import { JURISDICTIONS } from '../common/request-context';

/**
 * Channels beyond the app (DESIGN §18), from the environment: `SMTP_URL` (smtp:// or smtps://)
 * turns on the daily e-mail digest, sent from `MAIL_FROM`; `WECOM_WEBHOOK_URL_<JURISDICTION>`
 * (e.g. WECOM_WEBHOOK_URL_BEIBEI) posts that city's messages to its WeCom group robot.
 */
export interface NotificationChannels {
  smtpUrl: string | null;
  mailFrom: string;
  wecom: Partial<Record<string, string>>;
}

export function notificationChannels(env: NodeJS.ProcessEnv, problems: string[]): NotificationChannels {
  const checkUrl = (name: string, protocols: string[]): string | null => {
    const raw = env[name];
    if (!raw) return null;
    try {
      const u = new URL(raw);
      if (protocols.includes(u.protocol)) return raw;
    } catch {
      /* reported below */
    }
    problems.push(`${name} must be a ${protocols.map((p) => p.replace(':', '://…')).join(' or ')} URL`);
    return null;
  };
  const wecom: Partial<Record<string, string>> = {};
  for (const j of JURISDICTIONS) {
    const url = checkUrl(`WECOM_WEBHOOK_URL_${j.toUpperCase()}`, ['http:', 'https:']);
    if (url) wecom[j] = url;
  }
  return {
    smtpUrl: checkUrl('SMTP_URL', ['smtp:', 'smtps:']),
    mailFrom: env.MAIL_FROM || 'Liancheng <noreply@liancheng.local>',
    wecom,
  };
}
