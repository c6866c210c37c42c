import {
  ApartmentOutlined,
  AppstoreOutlined,
  AuditOutlined,
  BarChartOutlined,
  CalendarOutlined,
  DatabaseOutlined,
  HomeOutlined,
  NodeIndexOutlined,
  PlusCircleOutlined,
  ScheduleOutlined,
  SettingOutlined,
  SolutionOutlined,
  TeamOutlined,
  UnorderedListOutlined,
  UploadOutlined,
  UserAddOutlined,
  WarningOutlined,
} from '@ant-design/icons';
import { App as AntApp, Button, ConfigProvider, Layout, Menu, Typography } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { lazy, Suspense, useEffect, useState, type ComponentType } from 'react';
import {
  createBrowserRouter,
  Navigate,
  Outlet,
  RouterProvider,
  useLocation,
  useNavigate,
} from 'react-router-dom';
import { refreshSession } from './api/client';

// Restore the session from the refresh cookie (the access token is never stored) while React starts.
const restoring = refreshSession();
import { auth } from './api/endpoints';
import { isManager, session } from './api/session';
import { CityTag, Loading, useSession } from './components/common';
import { NotificationBell } from './components/NotificationBell';
import { I18nProvider, useI18n } from './i18n/context';
import type { DictKey } from './i18n/dict';
import { LoginPage } from './pages/LoginPage';
import { TaxonomyProvider } from './taxonomy';

const PAGES = {
  home: () => import('./pages/HomePage'),
  leads: () => import('./pages/LeadsListPage'),
  leadNew: () => import('./pages/LeadNewPage'),
  lead: () => import('./pages/LeadDetailPage'),
  board: () => import('./pages/BoardPage'),
  matches: () => import('./pages/MatchReviewPage'),
  collisions: () => import('./pages/CollisionsPage'),
  base: () => import('./pages/BaseDataPage'),
  chain: () => import('./pages/ChainMapPage'),
  dashboard: () => import('./pages/DashboardPage'),
  admin: () => import('./pages/AdminPage'),
  notifications: () => import('./pages/NotificationSettingsPage'),
  import: () => import('./pages/ImportPage'),
  'action-plan': () => import('./pages/ActionPlanPage'),
  meetings: () => import('./pages/MeetingsPage'),
  meetingPack: () => import('./pages/MeetingPackPage'),
  events: () => import('./pages/EventsPage'),
  event: () => import('./pages/EventDetailPage'),
  unassigned: () => import('./pages/UnassignedPage'),
  audit: () => import('./pages/AuditPage'),
};

/** Starts loading the chunk of the page at `path` (used at startup, in parallel with the session restore). */
export function preloadPage(path: string): void {
  const first = path.split('/')[1] ?? '';
  const key: keyof typeof PAGES | undefined =
    first === ''
      ? 'home'
      : first === 'leads'
        ? path === '/leads/new'
          ? 'leadNew'
          : path.split('/').length > 2
            ? 'lead'
            : 'leads'
        : first === 'meetings' && path.endsWith('/pack')
          ? 'meetingPack'
          : (first as keyof typeof PAGES) in PAGES
            ? (first as keyof typeof PAGES)
            : undefined;
  if (key) void PAGES[key]().catch(() => undefined);
}

const page = (load: () => Promise<{ default: ComponentType }>) => {
  const C = lazy(load);
  return (
    <Suspense fallback={<Loading />}>
      <C />
    </Suspense>
  );
};

function Shell() {
  const user = useSession();
  const { t, locale, setLocale, enumLabel } = useI18n();
  const navigate = useNavigate();
  const location = useLocation();
  if (!user)
    return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  const manager = isManager(user);
  const items: { key: string; icon: React.ReactNode; label: DictKey; show: boolean }[] = [
    { key: '/', icon: <HomeOutlined />, label: 'home', show: true },
    { key: '/leads/new', icon: <PlusCircleOutlined />, label: 'newLead', show: true },
    { key: '/leads', icon: <UnorderedListOutlined />, label: 'leads', show: true },
    { key: '/board', icon: <AppstoreOutlined />, label: 'board', show: true },
    { key: '/matches', icon: <NodeIndexOutlined />, label: 'matchReview', show: manager },
    { key: '/collisions', icon: <WarningOutlined />, label: 'collisions', show: manager },
    { key: '/unassigned', icon: <UserAddOutlined />, label: 'unassigned', show: manager },
    { key: '/audit', icon: <AuditOutlined />, label: 'auditLog', show: manager },
    { key: '/base', icon: <DatabaseOutlined />, label: 'baseData', show: true },
    { key: '/import', icon: <UploadOutlined />, label: 'import', show: true },
    { key: '/chain', icon: <ApartmentOutlined />, label: 'chainMap', show: true },
    { key: '/events', icon: <CalendarOutlined />, label: 'eventsMenu', show: true },
    { key: '/dashboard', icon: <BarChartOutlined />, label: 'dashboard', show: true },
    { key: '/action-plan', icon: <ScheduleOutlined />, label: 'actionPlan', show: true },
    { key: '/meetings', icon: <SolutionOutlined />, label: 'jointMeetings', show: true },
    { key: '/admin', icon: <SettingOutlined />, label: 'admin', show: user.role === 'admin' },
  ];
  const selected =
    items
      .filter(
        (i) => i.show && (i.key === '/' ? location.pathname === '/' : location.pathname.startsWith(i.key)),
      )
      .sort((a, b) => b.key.length - a.key.length)[0]?.key ?? '/';
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider width={188} breakpoint="lg" collapsedWidth={56} theme="dark">
        <div
          style={{
            color: '#fff',
            padding: '16px 16px 8px',
            fontWeight: 600,
            fontSize: 18,
            whiteSpace: 'nowrap',
            overflow: 'hidden',
          }}
        >
          <TeamOutlined /> <span className="lc-brand-text">{locale === 'zh' ? '链城' : 'Liancheng'}</span>
        </div>
        <nav aria-label={t('appName')}>
          <Menu
            theme="dark"
            mode="inline"
            selectedKeys={[selected]}
            items={items.filter((i) => i.show).map((i) => ({ key: i.key, icon: i.icon, label: t(i.label) }))}
            onClick={({ key }) => navigate(key)}
          />
        </nav>
      </Layout.Sider>
      <Layout style={{ minWidth: 0 }}>
        <Layout.Header
          className="lc-header"
          style={{
            background: '#fff',
            padding: '0 20px',
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'space-between',
            gap: 8,
            borderBottom: '1px solid #f0f0f0',
            minWidth: 0,
          }}
        >
          <Typography.Text strong ellipsis className="lc-app-name" style={{ minWidth: 0 }}>
            {t('appName')}
          </Typography.Text>
          <div
            data-testid="header-user"
            style={{ display: 'flex', alignItems: 'center', gap: 8, minWidth: 0, marginLeft: 'auto' }}
          >
            <NotificationBell />
            <CityTag city={user.jurisdiction} />
            <span className="lc-header-user" title={`${user.displayName} · ${enumLabel(user.role)}`}>
              {user.displayName}
              <span className="lc-header-role"> · {enumLabel(user.role)}</span>
            </span>
            <Button
              size="small"
              onClick={() => setLocale(locale === 'zh' ? 'en' : 'zh')}
              aria-label="language / 语言"
              data-testid="lang-switch"
            >
              {t('language')}
            </Button>
            <Button
              size="small"
              onClick={async () => {
                await auth.logout().catch(() => undefined);
                session.set(null, null);
                navigate('/login');
              }}
            >
              {t('logout')}
            </Button>
          </div>
        </Layout.Header>
        <Layout.Content style={{ padding: 'clamp(8px, 3vw, 20px)', minWidth: 0 }}>
          <main>
            <TaxonomyProvider>
              <Outlet />
            </TaxonomyProvider>
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

function NotFound() {
  const { t } = useI18n();
  return <Typography.Title level={3}>{t('notFoundPage')}</Typography.Title>;
}

const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  {
    path: '/',
    element: <Shell />,
    children: [
      { index: true, element: page(PAGES.home) },
      { path: 'leads', element: page(PAGES.leads) },
      { path: 'leads/new', element: page(PAGES.leadNew) },
      { path: 'leads/:id', element: page(PAGES.lead) },
      { path: 'board', element: page(PAGES.board) },
      { path: 'matches', element: page(PAGES.matches) },
      { path: 'collisions', element: page(PAGES.collisions) },
      { path: 'base', element: page(PAGES.base) },
      { path: 'chain', element: page(PAGES.chain) },
      { path: 'dashboard', element: page(PAGES.dashboard) },
      { path: 'action-plan', element: page(PAGES['action-plan']) },
      { path: 'meetings', element: page(PAGES.meetings) },
      { path: 'meetings/:id/pack', element: page(PAGES.meetingPack) },
      { path: 'events', element: page(PAGES.events) },
      { path: 'events/:id', element: page(PAGES.event) },
      { path: 'admin', element: page(PAGES.admin) },
      { path: 'notifications/settings', element: page(PAGES.notifications) },
      { path: 'import', element: page(PAGES.import) },
      { path: 'unassigned', element: page(PAGES.unassigned) },
      { path: 'audit', element: page(PAGES.audit) },
      { path: '*', element: <NotFound /> },
    ],
  },
]);

/** Users who ask their system for less motion get none: modals and drawers open and close at once. */
function usePrefersReducedMotion(): boolean {
  const query = '(prefers-reduced-motion: reduce)';
  const [reduced, setReduced] = useState(() => window.matchMedia?.(query).matches ?? false);
  useEffect(() => {
    const media = window.matchMedia?.(query);
    if (!media) return;
    const onChange = () => setReduced(media.matches);
    media.addEventListener('change', onChange);
    return () => media.removeEventListener('change', onChange);
  }, []);
  return reduced;
}

function Root() {
  const { locale } = useI18n();
  const reducedMotion = usePrefersReducedMotion();
  const [ready, setReady] = useState(false);
  useEffect(() => {
    void restoring.finally(() => setReady(true));
  }, []);
  return (
    <ConfigProvider
      locale={locale === 'zh' ? zhCN : enUS}
      theme={{ token: { colorPrimary: '#1f5fbf', motion: !reducedMotion } }}
    >
      <AntApp>{ready ? <RouterProvider router={router} /> : <Loading />}</AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <I18nProvider>
      <Root />
    </I18nProvider>
  );
}
