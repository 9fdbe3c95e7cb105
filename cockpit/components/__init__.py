"""Layout pieces shared by pages: KPI cards, navbar, breadcrumb, window
selector, refresh indicator, lists and tables."""
