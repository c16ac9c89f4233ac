/// `/`: the sample's table of images (ID, Path, Person, Status) with counts, filters and pages.
enum ImagesTemplate {
    static let text = #"""
        {{>header}}
        <section class="summary" aria-label="Images per status">
        <a class="chip chip-all{{#allActive}} active{{/allActive}}" href="{{allHref}}"><span class="n">{{total}}</span> All</a>
        {{#counts}}<a class="chip status-{{key}}{{#active}} active{{/active}}" href="{{href}}" data-status="{{key}}"><span class="n">{{count}}</span> {{label}}</a>
        {{/counts}}<a class="chip chip-people" href="/people"><span class="n">{{peopleCount}}</span> People</a>
        </section>
        {{#refreshing}}<p class="live" id="live"><span class="spinner" aria-hidden="true"></span> {{inProgress}} in progress; this page refreshes itself until they are done.</p>{{/refreshing}}
        <form class="filters" method="get" action="/">
        <label>Status <select name="status"><option value="">All</option>{{#statusOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/statusOptions}}</select></label>
        <label>Person <select name="person"><option value="">Anyone</option>{{#personOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/personOptions}}</select></label>
        <label>Per page <select name="per_page">{{#perPageOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/perPageOptions}}</select></label>
        <button type="submit">Show</button>
        {{#filtered}}<a class="clear" href="/">Clear filters</a>{{/filtered}}
        </form>
        {{#filterPerson}}<p class="filter-note">Images showing <strong>{{label}}</strong></p>{{/filterPerson}}
        <table class="images">
        <thead><tr><th class="num">ID</th><th>Path</th><th>Person</th><th>Status</th></tr></thead>
        <tbody>
        {{#rows}}<tr class="image-row" data-id="{{id}}" data-status="{{statusKey}}">
        <td class="num"><a href="{{href}}">{{id}}</a></td>
        <td class="path"><a href="{{href}}" title="{{path}}">{{path}}</a>{{#facesText}}<span class="faces-n">{{facesText}}</span>{{/facesText}}</td>
        <td class="person">{{#personLink}}<a href="{{personHref}}">{{personName}}</a>{{/personLink}}{{^personLink}}<span class="muted">—</span>{{/personLink}}</td>
        <td class="status"><span class="badge status-{{statusKey}}">{{statusLabel}}</span>{{#errorText}}<div class="err" title="{{errorText}}">{{errorText}}</div>{{/errorText}}</td>
        </tr>
        {{/rows}}{{^rows}}<tr><td colspan="4" class="empty">{{emptyText}}</td></tr>
        {{/rows}}</tbody>
        </table>
        <nav class="pager" aria-label="Pages">
        {{#prevHref}}<a class="prev" href="{{prevHref}}">← Newer</a>{{/prevHref}}
        <span class="where">Page {{page}} of {{pages}} · {{rangeText}}</span>
        {{#nextHref}}<a class="next" href="{{nextHref}}">Older →</a>{{/nextHref}}
        </nav>
        {{>footer}}
        """#
}
