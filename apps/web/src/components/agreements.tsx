import { App, Input } from 'antd';
import { agreements as agreementsApi } from '../api/endpoints';
import { useI18n } from '../i18n/context';
import { describeError } from '../lib/errors';

/** Accept / decline (the other city) or withdraw (the proposing city) an agreement, with a note. */
export function useAgreementActions(after: () => Promise<void>) {
  const { t, locale } = useI18n();
  const { message, modal } = App.useApp();
  return (agreementId: string, action: 'accept' | 'decline' | 'withdraw') => {
    let note = '';
    modal.confirm({
      title: t(action === 'accept' ? 'agree' : action),
      content: (
        <Input.TextArea
          aria-label={t('agreementNote')}
          placeholder={t('agreementNote')}
          rows={2}
          maxLength={2000}
          onChange={(e) => (note = e.target.value)}
        />
      ),
      okText: t(action === 'accept' ? 'agree' : action),
      cancelText: t('cancel'),
      okButtonProps: { danger: action !== 'accept' },
      onOk: async () => {
        try {
          await agreementsApi.decide(agreementId, action, note.trim() || undefined);
          message.success(
            t(
              action === 'accept'
                ? 'agreementAccepted'
                : action === 'decline'
                  ? 'agreementDeclined'
                  : 'agreementWithdrawn',
            ),
          );
        } catch (e) {
          message.error(describeError(locale, e));
        }
        await after();
      },
    });
  };
}
