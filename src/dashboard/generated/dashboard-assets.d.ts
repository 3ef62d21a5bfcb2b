/** Written by scripts/build-dashboard.ts (`npm run build:dashboard`): the page's bundled script and stylesheet. */
export declare const js: string;
export declare const css: string;
