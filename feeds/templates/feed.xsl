<?xml version="1.0" encoding="UTF-8"?>
{# The page a browser shows for an RSS or Atom feed (readers ignore it). Strings from the catalogue. #}
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:atom="http://www.w3.org/2005/Atom" exclude-result-prefixes="atom">
<xsl:output method="html" encoding="UTF-8" doctype-system="about:legacy-compat" indent="no"/>

<xsl:variable name="months" select="'JanFebMarAprMayJunJulAugSepOctNovDec'"/>

<!-- RSS "Sat, 29 Nov 2026 10:00:00 +0700" or Atom "2026-11-29T10:00:00+07:00" as dd/mm/yyyy hh:mm -->
<xsl:template name="date">
  <xsl:param name="d"/>
  <xsl:choose>
    <xsl:when test="contains($d, ',')">
      <xsl:variable name="m" select="string-length(substring-before($months, substring($d, 9, 3))) div 3 + 1"/>
      <xsl:value-of select="concat(substring($d, 6, 2), '/', format-number($m, '00'), '/', substring($d, 13, 4), ' ', substring($d, 18, 5))"/>
    </xsl:when>
    <xsl:otherwise>
      <xsl:value-of select="concat(substring($d, 9, 2), '/', substring($d, 6, 2), '/', substring($d, 1, 4), ' ', substring($d, 12, 5))"/>
    </xsl:otherwise>
  </xsl:choose>
</xsl:template>

<xsl:template match="/">
  <xsl:variable name="title" select="rss/channel/title | atom:feed/atom:title"/>
  <xsl:variable name="self" select="(rss/channel/atom:link[@rel='self'] | atom:feed/atom:link[@rel='self'])/@href"/>
  <xsl:variable name="home" select="(rss/channel/link | atom:feed/atom:link[@rel='alternate'][1]/@href)"/>
  <html lang="{{ lang }}">
  <head>
    <meta charset="utf-8"/>
    <meta name="viewport" content="width=device-width, initial-scale=1"/>
    <title><xsl:value-of select="$title"/></title>
    <style>
      body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 50rem; padding: 0 1rem 3rem; color: #1b1b1b; }
      a { color: #0b57a4; }
      .hint { background: #eef6ff; border: 1px solid #c9defc; border-radius: .4rem; padding: .6rem .8rem; margin: 1rem 0; }
      .hint input { width: min(34rem, 100%); font: .9rem ui-monospace, monospace; padding: .3rem; }
      .muted { color: #666; font-size: .9em; }
      ol.items { list-style: none; padding: 0; }
      ol.items li { border-bottom: 1px solid #eee; padding: .6rem 0; }
      ol.items h3 { font-size: 1.05rem; margin: 0 0 .2rem; }
      ol.items p { margin: .2rem 0; }
    </style>
  </head>
  <body>
    <header><p><a href="/">{{ site_title }}</a></p></header>
    <main>
      <section class="hint" id="hint">
        <p><strong>{{ _("This is a news feed.") }}</strong> {{ _("Copy this URL into your feed reader to subscribe; the reader shows new articles as they are published.") }}</p>
        <p><label for="feed-url">{{ _("Feed URL:") }}</label><xsl:text> </xsl:text><input id="feed-url" type="text" readonly="readonly" value="{$self}" onfocus="this.select()"/><xsl:text> </xsl:text><button type="button" id="copy" onclick="navigator.clipboard &amp;&amp; navigator.clipboard.writeText(document.getElementById('feed-url').value); this.textContent = this.getAttribute('data-done');" data-done="{{ _('Copied') }}">{{ _("Copy") }}</button></p>
      </section>
      <h1><xsl:value-of select="$title"/></h1>
      <p class="muted"><xsl:value-of select="rss/channel/description | atom:feed/atom:subtitle"/></p>
      <p class="muted">{{ _("Times are Vietnam time (UTC+07:00).") }} <a href="{$home}">{{ _("Source page") }}</a> · <a href="/">{{ _("All feeds") }}</a></p>
      <ol class="items">
        <xsl:for-each select="rss/channel/item | atom:feed/atom:entry">
          <li>
            <h3><a href="{link | atom:link[not(@rel) or @rel='alternate'][1]/@href}"><xsl:value-of select="title | atom:title"/></a></h3>
            <div class="muted"><xsl:call-template name="date"><xsl:with-param name="d" select="pubDate | atom:published"/></xsl:call-template></div>
            <p><xsl:value-of select="description | atom:summary"/></p>
          </li>
        </xsl:for-each>
      </ol>
    </main>
  </body>
  </html>
</xsl:template>
</xsl:stylesheet>
