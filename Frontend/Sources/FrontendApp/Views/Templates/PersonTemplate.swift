/// `/people/{id}`: one person's faces (gallery and matched), with rename, merge, remove-a-face and delete.
enum PersonTemplate {
    static let text = #"""
        {{>header}}
        <p class="crumbs"><a href="/people">People</a> › #{{personID}}</p>
        <h1>{{personName}} <span class="muted">({{faceCountText}})</span></h1>
        <p><a href="{{imagesHref}}">Images showing {{personName}}</a></p>
        {{#chrome.canWrite}}<div class="person-actions">
        <form class="rename" method="post" action="/people/{{personID}}/rename"><input type="hidden" name="csrf_token" value="{{chrome.csrfToken}}"><label>Rename to <input name="name" value="{{personName}}" maxlength="255" required></label> <button type="submit">Rename</button></form>
        {{#hasOthers}}<form class="merge" method="post" action="/people/{{personID}}/merge"><input type="hidden" name="csrf_token" value="{{chrome.csrfToken}}"><label>Merge into <select name="into" required><option value="">Choose a person…</option>{{#others}}<option value="{{id}}">{{name}}</option>{{/others}}</select></label> <button type="submit">Merge</button></form>{{/hasOthers}}
        <form class="delete" method="post" action="/people/{{personID}}/delete" data-confirm="Delete {{personName}}? Their faces become unknown again."><input type="hidden" name="csrf_token" value="{{chrome.csrfToken}}"><button type="submit" class="danger">Delete person</button></form>
        </div>{{/chrome.canWrite}}
        <h2>Faces</h2>
        <ul class="person-faces">
        {{#faces}}<li class="person-face" data-face-id="{{faceID}}">
        <a class="crop square" href="{{href}}" title="{{photoPath}}"><img src="{{fileURL}}" alt="Face of {{personName}} in {{photoPath}}" class="face-crop" style="{{cropStyle}}" loading="lazy"></a>
        <span class="where">{{whereText}}</span>
        {{#chrome.canWrite}}<form class="remove-face" method="post" action="/people/{{personID}}/faces/{{faceID}}/remove"><input type="hidden" name="csrf_token" value="{{chrome.csrfToken}}"><button type="submit" class="link">Not {{personName}}</button></form>{{/chrome.canWrite}}
        </li>
        {{/faces}}{{^faces}}<li class="empty">No faces of {{personName}} yet.</li>
        {{/faces}}</ul>
        {{>footer}}
        """#
}
