import { Select } from 'antd';
import { useEffect, useState } from 'react';
import { events as eventsApi } from '../api/endpoints';
import type { PromotionEvent } from '../api/types';
import { useI18n } from '../i18n/context';
import { fmtWhen } from '../lib/events';

/** Picks the promotion event a lead was raised at (lead source `event`, DESIGN §16): recent first. */
export function EventPicker(props: {
  value?: string | null;
  onChange?: (v: string | null) => void;
  id?: string;
}) {
  const { t } = useI18n();
  const [items, setItems] = useState<PromotionEvent[]>([]);
  useEffect(() => {
    const from = new Date(Date.now() - 365 * 86_400_000).toISOString();
    void eventsApi
      .list({ from, limit: 200 })
      .then((p) => setItems([...p.items].reverse()))
      .catch(() => setItems([]));
  }, []);
  return (
    <Select
      id={props.id}
      aria-label={t('leadEvent')}
      allowClear
      showSearch={{ optionFilterProp: 'label' }}
      value={props.value ?? undefined}
      onChange={(v: string | undefined) => props.onChange?.(v ?? null)}
      placeholder={t('leadEvent')}
      options={items.map((e) => ({ value: e.id, label: `${e.title}（${fmtWhen(e).slice(0, 10)}）` }))}
      style={{ width: '100%' }}
    />
  );
}
