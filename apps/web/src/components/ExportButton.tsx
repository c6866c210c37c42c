import { DownloadOutlined } from '@ant-design/icons';
import { App, Button, Dropdown } from 'antd';
import { useState } from 'react';
import { useI18n } from '../i18n/context';
import { downloadFile, queryOf } from '../lib/download';
import { describeError } from '../lib/errors';

/**
 * 导出 (DESIGN §17): the list with its current filters as .xlsx or .csv, from the server (what the
 * list shows the caller, every page of it).
 */
export function ExportButton(props: {
  list: 'leads' | 'enterprises' | 'parks' | 'matches' | 'action-items';
  filters: Record<string, string | number | boolean | undefined | null>;
}) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const run = async (format: 'xlsx' | 'csv') => {
    setBusy(true);
    try {
      await downloadFile(
        `/api/v1/${props.list}/export?${queryOf({ ...props.filters, format })}`,
        `${props.list}.${format}`,
      );
    } catch (e) {
      message.error(describeError(locale, e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dropdown
      menu={{
        items: [
          { key: 'xlsx', label: t('exportXlsx') },
          { key: 'csv', label: t('exportCsv') },
        ],
        onClick: ({ key }) => void run(key as 'xlsx' | 'csv'),
      }}
    >
      <Button icon={<DownloadOutlined />} loading={busy} data-testid={`export-${props.list}`}>
        {t('export')}
      </Button>
    </Dropdown>
  );
}
