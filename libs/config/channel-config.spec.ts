import { ConfigError, loadConfig } from './config';

describe('notification channel configuration (DESIGN §18)', () => {
  it('is off unless configured', () => {
    expect(loadConfig({}).notificationChannels).toEqual({
      smtpUrl: null,
      mailFrom: 'Liancheng <noreply@liancheng.local>',
      wecom: {},
    });
  });

  it('reads SMTP_URL, MAIL_FROM and a WeCom robot per city', () => {
    const c = loadConfig({
      SMTP_URL: 'smtps://user:pw@mail.example.gov.cn:465',
      MAIL_FROM: '链城 <crm@example.gov.cn>',
      WECOM_WEBHOOK_URL_MIANYANG: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc',
    }).notificationChannels;
    expect(c.smtpUrl).toBe('smtps://user:pw@mail.example.gov.cn:465');
    expect(c.mailFrom).toBe('链城 <crm@example.gov.cn>');
    expect(c.wecom).toEqual({ mianyang: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc' });
  });

  it('stops at boot naming a malformed variable', () => {
    expect(() => loadConfig({ SMTP_URL: 'mail.example.gov.cn' })).toThrow(ConfigError);
    expect(() => loadConfig({ SMTP_URL: 'http://mail' })).toThrow(/SMTP_URL/);
    expect(() => loadConfig({ WECOM_WEBHOOK_URL_BEIBEI: 'ftp://x' })).toThrow(/WECOM_WEBHOOK_URL_BEIBEI/);
  });
});
