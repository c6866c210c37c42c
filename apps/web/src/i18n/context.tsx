import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { type DictKey, ENUM_LABELS, label, type Locale, STAGE_LABELS, translate } from './dict';

interface I18n {
  locale: Locale;
  setLocale(locale: Locale): void;
  t(key: DictKey, vars?: Record<string, string | number>): string;
  stage(stage: string | null | undefined): string;
  enumLabel(value: string | null | undefined): string;
  /** Picks the name in the current language from a {name, nameEn} record. */
  named(item: { name: string; nameEn?: string } | undefined | null): string;
}

const I18nContext = createContext<I18n | null>(null);
export const LOCALE_KEY = 'lc.locale';

export function initialLocale(): Locale {
  try {
    return localStorage.getItem(LOCALE_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  const setLocale = useCallback((next: Locale) => {
    localStorage.setItem(LOCALE_KEY, next);
    document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
    setLocaleState(next);
  }, []);
  const value = useMemo<I18n>(
    () => ({
      locale,
      setLocale,
      t: (key, vars) => translate(locale, key, vars),
      stage: (s) => label(locale, STAGE_LABELS, s),
      enumLabel: (v) => label(locale, ENUM_LABELS, v),
      named: (item) => (!item ? '' : locale === 'en' && item.nameEn ? item.nameEn : item.name),
    }),
    [locale, setLocale],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
