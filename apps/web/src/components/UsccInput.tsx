import { Input } from 'antd';
import { useI18n } from '../i18n/context';
import { USCC_MESSAGES } from '../lib/lead-form';
import { usccState } from '../lib/uscc';

/** Status of a USCC as it is typed (for Form.Item validateStatus/help). */
export function useUsccFeedback(value: string | undefined) {
  const { t } = useI18n();
  const state = usccState(value ?? '');
  if (state === 'empty') return { status: undefined, help: undefined };
  if (state === 'valid') return { status: 'success' as const, help: t('usccValid') };
  if (state === 'typing')
    return { status: 'validating' as const, help: `${t('usccTyping')} (${(value ?? '').trim().length}/18)` };
  return { status: 'error' as const, help: t(USCC_MESSAGES[state]) };
}

export function UsccInput(props: { value?: string; onChange?: (v: string) => void; id?: string }) {
  const { t } = useI18n();
  return (
    <Input
      id={props.id}
      aria-label={t('uscc')}
      value={props.value}
      maxLength={20}
      style={{ fontFamily: 'monospace', textTransform: 'uppercase' }}
      onChange={(e) => props.onChange?.(e.target.value.toUpperCase().replace(/\s/g, ''))}
      placeholder="91500109MA5XXXXXXX"
    />
  );
}
