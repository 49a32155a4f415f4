// A small Docusaurus site for packager's tests: nothing here is ever run.
// @ts-check

const shared = {navbar: {title: 'Window Box'}};

/** @type {import('@docusaurus/types').Config} */
const config = {
  title: 'Window Box Gardening',
  tagline: 'Growing food on a sill',
  url: 'https://example.org',
  baseUrl: '/window-box/',
  organizationName: 'example',
  projectName: 'window-box',
  favicon: 'img/favicon.ico',
  presets: [
    [
      'classic',
      {
        docs: {sidebarPath: './sidebars.js'},
        blog: {showReadingTime: true},
      },
    ],
  ],
  themeConfig: {
    ...shared,
    footer: {copyright: `Copyright © ${new Date().getFullYear()} Example`},
  },
};

module.exports = config;
