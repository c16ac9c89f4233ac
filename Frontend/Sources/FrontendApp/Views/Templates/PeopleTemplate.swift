/// `/people`: every known person with a crop of their gallery face and the images they appear in; a form
/// to enroll a person from photos; the unnamed groups of look-alike unknown faces, each with a name form.
enum PeopleTemplate {
    static let text = #"""
        {{>header}}
        <h1>People <span class="muted">({{peopleCount}})</span></h1>
        {{#chrome.canWrite}}<form class="enroll" method="post" action="/people" enctype="multipart/form-data">
        <input type="hidden" name="csrf_token" value="{{chrome.csrfToken}}">
        <label>Name <input name="name" list="people-names" maxlength="255" autocomplete="off" required placeholder="New or existing person"></label>
        <label>Photos <input type="file" name="photos" accept="image/jpeg,image/png" multiple required></label>
        <button type="submit">Enroll</button>
        <span class="hint">The largest face of each photo joins the person's gallery (JPEG or PNG, up to {{maxUploadText}} in all).</span>
        </form>{{/chrome.canWrite}}
        {{#chrome.loginNeeded}}<p class="hint"><a href="/login">Log in</a> to add, name, merge or delete people.</p>{{/chrome.loginNeeded}}
        <ul class="people">
        {{#people}}<li class="person-card" data-person-id="{{personID}}">
        <a class="crop" href="{{personHref}}">{{#cropURL}}<img src="{{cropURL}}" alt="{{cropAlt}}" class="{{cropClass}}" style="{{cropStyle}}" loading="lazy">{{/cropURL}}{{^cropURL}}<span class="initials" aria-hidden="true">{{initials}}</span>{{/cropURL}}</a>
        <div class="who"><a class="name" href="{{personHref}}">{{personName}}</a>
        <a class="count" href="{{imagesHref}}">{{countText}}</a></div>
        </li>
        {{/people}}{{^people}}<li class="empty">No known people yet: enroll someone with a photo, or name a face.</li>
        {{/people}}</ul>
        <section id="unnamed" class="unnamed">
        <h2>Unnamed <span class="muted">({{groupTotalText}})</span></h2>
        {{#groupsUnavailable}}<p class="muted">{{groupsUnavailable}}</p>{{/groupsUnavailable}}
        {{^groupsUnavailable}}<ul class="groups">
        {{#groups}}<li class="group-card" data-group-id="{{groupID}}">
        <div class="samples">{{#samples}}<a class="crop square" href="{{imageHref}}" title="{{imagePath}}"><img src="{{fileURL}}" alt="Unknown face in {{imagePath}}" class="face-crop" style="{{cropStyle}}" loading="lazy"></a>{{/samples}}</div>
        <div class="group-count">{{countText}}</div>
        {{#chrome.canWrite}}<form class="name-group" method="post" action="/groups/{{groupID}}/name"><input type="hidden" name="csrf_token" value="{{chrome.csrfToken}}"><input name="name" list="people-names" placeholder="Who is this?" aria-label="Name of group {{groupID}}" maxlength="255" autocomplete="off" required><button type="submit">Name all</button></form>{{/chrome.canWrite}}
        </li>
        {{/groups}}{{^groups}}<li class="empty">No unnamed faces to group.</li>
        {{/groups}}</ul>{{/groupsUnavailable}}
        </section>
        <datalist id="people-names">{{#people}}<option value="{{personName}}">{{/people}}</datalist>
        {{>footer}}
        """#
}
